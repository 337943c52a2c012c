// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {FluxAggregatorBase} from "./FluxAggregatorBase.sol";
import {IFluxAggregator} from "./interfaces/IFluxAggregator.sol";
import {CompactInt} from "./libraries/CompactInt.sol";

/// @title FluxAggregatorOracles: the oracle set, each oracle's admin, and the payments oracles withdraw.
/// @dev An oracle is enabled from `startingRound` to `endingRound` (ROUND_MAX while enabled); removing it lets it
/// still report to the reporting round and the next, and re-adding it keeps its admin, balance and history.
abstract contract FluxAggregatorOracles is FluxAggregatorBase {
    /// @inheritdoc IFluxAggregator
    function changeOracles(
        address[] calldata _removed,
        address[] calldata _added,
        address[] calldata _addedAdmins,
        uint32 _minSubmissions,
        uint32 _maxSubmissions,
        uint32 _restartDelay
    ) external onlyOwner {
        for (uint256 i = 0; i < _removed.length; ++i) _removeOracle(_removed[i]);
        if (_added.length != _addedAdmins.length) {
            revert FluxAggregatorOracleCountMismatch(_added.length, _addedAdmins.length);
        }
        uint256 count = _oracleCount() + _added.length;
        if (count > MAX_ORACLE_COUNT) revert FluxAggregatorTooManyOracles(count, MAX_ORACLE_COUNT);
        for (uint256 i = 0; i < _added.length; ++i) _addOracle(_added[i], _addedAdmins[i]);
        _prepareSubmissionWords(count);
        FutureRounds memory future = _futureRounds;
        _updateFutureRounds(future.paymentAmount, _minSubmissions, _maxSubmissions, _restartDelay, future.timeout);
    }

    /// @inheritdoc IFluxAggregator
    function getOracles() external view returns (address[] memory) {
        return _oracleAddresses;
    }

    /// @inheritdoc IFluxAggregator
    function oracleCount() public view returns (uint8) {
        return uint8(_oracleAddresses.length); // <= MAX_ORACLE_COUNT
    }

    /// @inheritdoc IFluxAggregator
    function getAdmin(address _oracle) external view returns (address) {
        return _oracles[_oracle].enrollment.admin;
    }

    /// @inheritdoc IFluxAggregator
    function transferAdmin(address _oracle, address _newAdmin) external {
        _checkAdmin(_oracle);
        _oracles[_oracle].listing.pendingAdmin = _newAdmin;
        emit OracleAdminUpdateRequested(_oracle, msg.sender, _newAdmin);
    }

    /// @inheritdoc IFluxAggregator
    function acceptAdmin(address _oracle) external {
        OracleListing storage listing = _oracles[_oracle].listing;
        if (listing.pendingAdmin != msg.sender) revert FluxAggregatorNotPendingAdmin(_oracle, msg.sender);
        listing.pendingAdmin = address(0);
        _oracles[_oracle].enrollment.admin = msg.sender;
        emit OracleAdminUpdated(_oracle, msg.sender);
    }

    /// @inheritdoc IFluxAggregator
    function withdrawablePayment(address _oracle) external view returns (uint256) {
        return _oracles[_oracle].report.withdrawable;
    }

    /// @inheritdoc IFluxAggregator
    function withdrawPayment(address _oracle, address _recipient, uint256 _amount) external {
        _checkAdmin(_oracle);
        // Chainlink's cast: an amount beyond 128 bits is taken modulo 2^128 (no balance is that large)
        uint128 amount = uint128(_amount);
        OracleReport storage report = _oracles[_oracle].report;
        uint128 withdrawable = report.withdrawable;
        if (withdrawable < amount) revert FluxAggregatorInsufficientWithdrawable(_oracle, withdrawable, amount);
        // allocated is the sum of every oracle's withdrawable, so neither subtraction can underflow (gas savings)
        unchecked {
            report.withdrawable = withdrawable - amount;
            _funds.allocated -= amount;
        }
        if (!IERC20(linkToken).transfer(_recipient, amount))
            revert FluxAggregatorTokenTransferFailed(_recipient, amount);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Writes the `_submissionWords` words rounds of `count` submissions use, if no earlier call did, with two
    /// zero submissions each: their first real writes then cost 2,900 gas instead of 20,000 (see FluxAggregatorBase).
    /// Every word a round used is below `_preparedWords`, since rounds take at most as many submissions as there were
    /// oracles when they started, so no live submission is overwritten.
    function _prepareSubmissionWords(uint256 count) private {
        uint256 needed = (count + 1) / 2;
        uint256 prepared = _preparedWords;
        if (needed <= prepared) return;
        uint256 half = CompactInt.zero(SUBMISSION_BITS);
        uint256 word = half | (half << 128);
        for (uint256 index = prepared; index < needed; ++index) {
            _submissionWords[0][index] = word;
            _submissionWords[1][index] = word;
        }
        _preparedWords = needed;
    }

    function _checkAdmin(address oracle) private view {
        if (_oracles[oracle].enrollment.admin != msg.sender) revert FluxAggregatorNotAdmin(oracle, msg.sender);
    }

    /// @dev Enables `oracle` from the round after the reporting round, or from the reporting round itself if it was
    /// removed in it (it could still report to it anyway).
    function _addOracle(address oracle, address admin) private {
        OracleEnrollment storage enrollment = _oracles[oracle].enrollment;
        if (enrollment.endingRound == ROUND_MAX) revert FluxAggregatorOracleAlreadyEnabled(oracle);
        if (admin == address(0)) revert FluxAggregatorZeroAdmin(oracle);
        address currentAdmin = enrollment.admin;
        if (currentAdmin != address(0) && currentAdmin != admin) {
            revert FluxAggregatorAdminOverwrite(oracle, currentAdmin, admin);
        }
        uint32 reporting = _head.reportingRoundId;
        enrollment.startingRound = reporting != 0 && reporting == enrollment.endingRound ? reporting : reporting + 1;
        enrollment.endingRound = ROUND_MAX;
        enrollment.admin = admin;
        _oracles[oracle].listing.index = uint16(_oracleAddresses.length);
        _oracleAddresses.push(oracle);
        // its first submission then writes a nonzero slot (gas savings, see FluxAggregatorBase)
        OracleReport memory report = _loadReport(oracle);
        if (report.withdrawable == 0 && report.lastReportedRound == 0 && report.latestSubmission == 0) {
            report.latestSubmission = uint96(CompactInt.zero(ANSWER_BITS));
            _storeReport(oracle, report);
        }
        emit OraclePermissionsUpdated(oracle, true);
        emit OracleAdminUpdated(oracle, admin);
    }

    /// @dev Disables `oracle` after the round after the reporting round, and swaps the last oracle into its place in
    /// the list.
    function _removeOracle(address oracle) private {
        OracleEnrollment storage enrollment = _oracles[oracle].enrollment;
        if (enrollment.endingRound != ROUND_MAX) revert FluxAggregatorOracleNotEnabled(oracle);
        enrollment.endingRound = _head.reportingRoundId + 1;
        uint256 last = _oracleAddresses.length - 1;
        address tail = _oracleAddresses[last];
        uint16 index = _oracles[oracle].listing.index;
        _oracles[tail].listing.index = index;
        _oracles[oracle].listing.index = 0;
        _oracleAddresses[index] = tail;
        _oracleAddresses.pop();
        emit OraclePermissionsUpdated(oracle, false);
    }
}
