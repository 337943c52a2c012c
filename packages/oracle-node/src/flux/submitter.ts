// Sends `submit(roundId, answer)` so that a crash at any instant cannot cause a second submission to a round: the
// node's transaction sender records the signed transaction (fsynced) before it is sent, and a restart sends the
// recorded bytes again; the state's record of the round refuses a second signature.
import { NonRetryableError } from "@poolnet/sdk";
import { encodeFunctionData, type Address, type Hash } from "viem";
import {
  createTransactionSender,
  type TransactionSender,
  type TransactionSenderParameters,
} from "../chain/transactionSender.ts";
import type { NodeState } from "../state/nodeState.ts";
import { fluxMonitorAbi } from "./aggregatorAbi.ts";

/** The node's state already holds a submission to the round: a second one is never signed. */
export class AlreadySubmittedError extends NonRetryableError {
  override name = "AlreadySubmittedError";
}

export type SubmitParameters = { aggregator: Address; roundId: number; answer: bigint };

export type Submitter = {
  /** The oracle's address. */
  readonly address: Address;
  /** Signs, records and sends a submission; resolves with its hash once sent (not mined). */
  submit(parameters: SubmitParameters): Promise<{ hash: Hash; nonce: number }>;
  /** After a restart: settles what was mined and sends again what was recorded but not mined. */
  recover(): Promise<void>;
  /** Stops watching for receipts; resolves once no watcher can write to the state any more. */
  stop(): Promise<void>;
};

/**
 * A submitter with a transaction sender of its own, or one on the node's sender (shared with its other jobs, so
 * that their transactions take nonces in turn); `recover` and `stop` are the sender's.
 */
export type SubmitterParameters = TransactionSenderParameters | { sender: TransactionSender; state: NodeState };

export function createSubmitter(parameters: SubmitterParameters): Submitter {
  const sender = "sender" in parameters ? parameters.sender : createTransactionSender(parameters);
  const { state } = parameters;
  const { address } = sender;
  const refuseSecond = (aggregator: Address, roundId: number) => {
    if (state.hasSubmitted(aggregator, roundId)) {
      throw new AlreadySubmittedError(`this node already submitted to round ${roundId} of ${aggregator}`);
    }
  };

  return {
    address,
    async submit({ aggregator, roundId, answer }) {
      refuseSecond(aggregator, roundId);
      const data = encodeFunctionData({ abi: fluxMonitorAbi, functionName: "submit", args: [BigInt(roundId), answer] });
      // estimating the gas runs the call: a submission the aggregator would refuse fails here, before any record.
      // On the latest block, not the pending one: whether this node already sent one is its state's to say
      const estimate = await sender.estimate({ to: aggregator, data });
      return sender.send({
        to: aggregator,
        data,
        // the estimate prices a submission in the middle of a round; if other nodes' submissions land first, this
        // one may be the one that completes the round (median, validator), up to ~1.7x more on Chainlink's
        // aggregator: too low a limit reverts it, spends its nonce and loses the round. A limit costs only what is
        // used, so take twice the estimate, and never less than 500,000
        gas: submissionGasLimit(estimate),
        check: () => refuseSecond(aggregator, roundId),
        record: (signed) => state.recordSubmission({ aggregator, roundId, answer: answer.toString(), ...signed }),
      });
    },
    recover: () => sender.recover(),
    stop: () => sender.stop(),
  };
}

/** The gas limit of a submission whose estimate (taken against the latest block) is `estimate`. */
export function submissionGasLimit(estimate: bigint): bigint {
  const doubled = estimate * 2n;
  return doubled > SUBMISSION_GAS_LIMIT_FLOOR ? doubled : SUBMISSION_GAS_LIMIT_FLOOR;
}

/** The least gas limit of a submission: room for the one that completes a round with 77 oracles and a validator. */
export const SUBMISSION_GAS_LIMIT_FLOOR = 500_000n;
