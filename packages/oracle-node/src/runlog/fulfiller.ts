// Sends a request's fulfillment so that a crash at any instant cannot answer it twice: simulated first (the gas
// estimate runs the call), then signed, recorded in the node's state (fsynced) and sent by the node's transaction
// sender, which sends the recorded bytes again after a restart.
import { NonRetryableError } from "@poolnet/sdk";
import type { Address, Hash } from "viem";
import type { TransactionSender } from "../chain/transactionSender.ts";
import type { NodeState } from "../state/nodeState.ts";
import { fulfillmentData, type OracleRequest } from "./decide.ts";

/** The node's state already holds a fulfillment of the request: a second one is never signed. */
export class AlreadyFulfilledError extends NonRetryableError {
  override name = "AlreadyFulfilledError";
}

/** The simulation of the fulfillment says the Operator holds no such request: it was answered or cancelled. */
export class RequestNotPendingError extends NonRetryableError {
  override name = "RequestNotPendingError";
}

export type FulfillParameters = {
  /** The Operator the request was made to. */
  operator: Address;
  request: OracleRequest;
  answer: bigint;
  /** The least gas limit: what the consumer's callback may use (the Operator requires 400,000 left for it). */
  gasLimit: bigint;
};

export type Fulfiller = {
  readonly address: Address;
  /**
   * Simulates, signs, records and sends; resolves with the hash once sent (not mined). Rejects with an
   * AlreadyFulfilledError or a RequestNotPendingError, or with the simulation's or the RPC's error (worth a retry).
   */
  fulfill(parameters: FulfillParameters): Promise<{ hash: Hash; nonce: number }>;
};

export type FulfillerParameters = { sender: TransactionSender; state: NodeState };

// Operator.sol's `validateRequestId`: the request was answered or cancelled since the node read its log
const NOT_PENDING = /Must have a valid requestId/;

export function createFulfiller({ sender, state }: FulfillerParameters): Fulfiller {
  const refuseSecond = (operator: Address, requestId: Hash) => {
    if (state.hasFulfilled(operator, requestId)) {
      throw new AlreadyFulfilledError(`this node already fulfilled request ${requestId} of ${operator}`);
    }
  };
  return {
    address: sender.address,
    async fulfill({ operator, request, answer, gasLimit }) {
      const { requestId } = request;
      refuseSecond(operator, requestId);
      const data = fulfillmentData(request, answer);
      let estimate: bigint;
      try {
        estimate = await sender.estimate({ to: operator, data });
      } catch (error) {
        if (!NOT_PENDING.test(fullText(error))) throw error;
        throw new RequestNotPendingError(`the Operator holds no request ${requestId} any more`, { cause: error });
      }
      return sender.send({
        to: operator,
        data,
        // the estimate covers the Operator's own check (400,000 gas left for the callback): the job's limit is what
        // the callback may actually use, the callback failing would not revert the estimate
        gas: estimate > gasLimit ? estimate : gasLimit,
        check: () => refuseSecond(operator, requestId),
        record: (signed) => state.recordFulfillment({ operator, requestId, answer: answer.toString(), ...signed }),
      });
    },
  };
}

/** Every message along an error's causes: the revert reason is deep in viem's wrapping. */
function fullText(error: unknown): string {
  const parts: string[] = [];
  for (let cause = error, depth = 0; cause !== undefined && cause !== null && depth < 10; depth++) {
    const { message, details } = cause as { message?: unknown; details?: unknown };
    parts.push(String(message ?? cause), String(details ?? ""));
    cause = (cause as { cause?: unknown }).cause;
  }
  return parts.join(" ");
}
