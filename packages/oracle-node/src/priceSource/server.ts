// The local network's price source: the public price APIs' formats on loopback, priced by a seeded random walk,
// with jumps, outages and lying APIs on demand through a small admin API.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { InvalidInputError } from "@poolnet/sdk";
import { formatPair, parsePair, type Pair } from "../feeds/feed.ts";
import { formatDecimal, parseDecimal } from "../internal/decimal.ts";
import { PRICE_APIS, answerApi, apiOf, type PriceApi, type Quotes } from "./formats.ts";
import { WALK_DECIMALS, createRandomWalk, formatPercent, movedBy, parsePercent } from "./randomWalk.ts";

export const DEFAULT_PAIRS: readonly string[] = ["LINK/USD", "ETH/USD", "BTC/USD"];
export const DEFAULT_VOLATILITY = "0.002";
export const DEFAULT_TICK_MS = 1_000;

// where a walk starts when not told: about where these assets traded, in USD
const usdPrices: Record<string, string> = {
  BTC: "60000",
  DAI: "1",
  ETH: "3000",
  LINK: "15",
  SOL: "150",
  USD: "1",
  USDC: "1",
  USDT: "1",
};

/** Where a pair's walk starts by default: from the table of USD prices when both assets are in it, else 1. */
export function defaultStartPrice({ base, quote }: Pair): string {
  const basePrice = usdPrices[base];
  const quotePrice = usdPrices[quote];
  if (basePrice === undefined || quotePrice === undefined) return "1";
  const scale = 10n ** BigInt(WALK_DECIMALS);
  const price = (BigInt(basePrice) * scale) / BigInt(quotePrice);
  return formatDecimal(price > 0n ? price : 1n, WALK_DECIMALS);
}

export type PriceSourceParameters = {
  /** 127.0.0.1 by default: the source is for the local network, not for the world. */
  host?: string | undefined;
  /** 0 (the default) takes any free port; `url` says which. */
  port?: number | undefined;
  /** The pairs to serve: LINK/USD, ETH/USD and BTC/USD by default. */
  pairs?: readonly string[] | undefined;
  /** Starting prices where the defaults (`defaultStartPrice`) will not do: { "LINK/USD": "7.12" }. */
  startPrices?: Readonly<Record<string, string>> | undefined;
  /** The same seed walks the same prices, step for step; 1 by default. */
  seed?: string | number | undefined;
  /** The largest move of one step, as a fraction of the price: 0.002 (±0.2%) by default. */
  volatility?: string | number | undefined;
  /** A step every this many milliseconds, 1 s by default; 0 steps only when told (`step`, POST /admin/step). */
  tickMs?: number | undefined;
};

/** What an API does during an outage: answer an error status, or hold every request unanswered. */
export type OutageMode = "error" | "hang";

export type OutageParameters = {
  /** The API that fails; every API when not given. */
  api?: PriceApi | undefined;
  /** "none" ends the outage (of that API, or every outage when no API is given). */
  mode: OutageMode | "none";
  /** The status of an "error" outage: 503 by default. */
  status?: number | undefined;
  /** How long it lasts; until ended by another call when not given. Requests held by a hang are answered then. */
  durationMs?: number | undefined;
};

export type SkewParameters = {
  /** The API that lies. */
  api: PriceApi;
  /** The pair it lies about; every pair when not given. */
  pair?: string | undefined;
  /** How far its prices are from the walk's, in percent: 50 says 1.5 times the price; 0 makes it honest again. */
  percent: string | number;
};

export type PriceSourceState = {
  seed: string;
  volatility: string;
  tickMs: number;
  /** Steps the walk has taken since the start. */
  steps: number;
  /** The walk's price of every pair: what every honest API answers. */
  prices: Record<string, string>;
  outages: { api: PriceApi | "all"; mode: OutageMode; status: number; until: string | null }[];
  skews: { api: PriceApi; pair: string; percent: string }[];
};

export type PriceSource = {
  /** "http://127.0.0.1:8600": the base URL to give every adapter. */
  readonly url: string;
  state(): PriceSourceState;
  /** Moves every pair `count` steps now. */
  step(count?: number): PriceSourceState;
  /** Moves one pair by `percent` at once. */
  jump(pair: string, percent: string | number): PriceSourceState;
  outage(parameters: OutageParameters): PriceSourceState;
  skew(parameters: SkewParameters): PriceSourceState;
  /** Stops answering and closes every connection, held ones included. */
  close(): Promise<void>;
};

type ActiveOutage = { mode: OutageMode; status: number; until: number | undefined };
type HeldRequest = { api: PriceApi; answer: () => void };

const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/** Starts a price source and binds its port at once, so that a taken port is known before anything else starts. */
export async function startPriceSource(parameters: PriceSourceParameters = {}): Promise<PriceSource> {
  const host = parameters.host ?? "127.0.0.1";
  const port = parameters.port ?? 0;
  if (!Number.isSafeInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidInputError(`the port must be a whole number from 0 to 65535, not ${port}`);
  }
  const tickMs = parameters.tickMs ?? DEFAULT_TICK_MS;
  if (!Number.isSafeInteger(tickMs) || tickMs < 0) {
    throw new InvalidInputError(`the tick must be a whole number of milliseconds, 0 for none, not ${tickMs}`);
  }
  const seed = String(parameters.seed ?? 1);
  const volatility = String(parameters.volatility ?? DEFAULT_VOLATILITY);
  const pairs = (parameters.pairs ?? DEFAULT_PAIRS).map(parsePair);
  if (pairs.length === 0) throw new InvalidInputError("a price source needs at least one pair");
  const startPrices: Record<string, string> = {};
  for (const pair of pairs) {
    const name = formatPair(pair);
    if (name in startPrices) throw new InvalidInputError(`${name} is listed twice`);
    startPrices[name] = defaultStartPrice(pair);
  }
  for (const [text, price] of Object.entries(parameters.startPrices ?? {})) {
    const name = formatPair(parsePair(text));
    if (!(name in startPrices))
      throw new InvalidInputError(`a starting price is given for ${name}, which is not served`);
    startPrices[name] = price;
  }
  const walk = createRandomWalk({ seed, startPrices, volatility });

  const outages = new Map<PriceApi | "all", ActiveOutage>();
  const skews = new Map<string, bigint>();
  const held = new Set<HeldRequest>();
  const timers = new Set<NodeJS.Timeout>();

  function activeOutage(api: PriceApi | "all"): ActiveOutage | undefined {
    const outage = outages.get(api);
    if (outage?.until !== undefined && outage.until <= Date.now()) {
      outages.delete(api);
      return undefined;
    }
    return outage;
  }
  const outageOf = (api: PriceApi) => activeOutage(api) ?? activeOutage("all");

  /** Answers every held request whose API no longer hangs. */
  function releaseHeld(): void {
    for (const request of held) {
      if (outageOf(request.api)?.mode !== "hang") {
        held.delete(request);
        request.answer();
      }
    }
  }

  const quotes = (): Quotes => ({
    pairs,
    now: new Date(),
    price(api, pair) {
      const name = formatPair(pair);
      const price = walk.price(name);
      if (price === undefined) return undefined;
      const skew = skews.get(`${api} ${name}`) ?? skews.get(`${api} all`);
      return skew === undefined
        ? price
        : formatDecimal(movedBy(parseDecimal(price, WALK_DECIMALS)!, skew), WALK_DECIMALS);
    },
  });

  function state(): PriceSourceState {
    const listed = (["all", ...PRICE_APIS] as const).flatMap((api) => {
      const outage = activeOutage(api);
      return outage
        ? [{ api, ...outage, until: outage.until === undefined ? null : new Date(outage.until).toISOString() }]
        : [];
    });
    return {
      seed,
      volatility,
      tickMs,
      steps: walk.steps,
      prices: walk.prices(),
      outages: listed,
      skews: [...skews].map(([key, change]) => {
        const [api, pair] = key.split(" ") as [PriceApi, string];
        return { api, pair, percent: formatPercent(change) };
      }),
    };
  }

  const source = {
    state,
    step(count = 1) {
      walk.step(count);
      return state();
    },
    jump(pair: string, percent: string | number) {
      walk.jump(pair, percent);
      return state();
    },
    outage(outage: OutageParameters) {
      const api = parseApi(outage.api, { optional: true }) ?? "all";
      const mode = outage.mode as unknown;
      if (mode === "none") {
        if (api === "all") outages.clear();
        else outages.delete(api);
      } else if (mode === "error" || mode === "hang") {
        const status = outage.status ?? 503;
        if (!Number.isSafeInteger(status) || status < 400 || status > 599) {
          throw new InvalidInputError(`an outage answers an error status from 400 to 599, not ${String(status)}`);
        }
        const { durationMs } = outage;
        if (durationMs !== undefined && (!Number.isSafeInteger(durationMs) || durationMs <= 0)) {
          throw new InvalidInputError(`an outage lasts a positive number of milliseconds, not ${String(durationMs)}`);
        }
        const active: ActiveOutage = {
          mode,
          status,
          until: durationMs === undefined ? undefined : Date.now() + durationMs,
        };
        outages.set(api, active);
        if (durationMs !== undefined) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            // ended here, not by comparing clocks: the timer and Date.now() may disagree by a millisecond
            if (outages.get(api) === active) outages.delete(api);
            releaseHeld();
          }, durationMs);
          timers.add(timer);
        }
      } else {
        throw new InvalidInputError(`an outage's mode is "error", "hang" or "none", not ${JSON.stringify(mode)}`);
      }
      releaseHeld();
      return state();
    },
    skew({ api, pair, percent }: SkewParameters) {
      const liar = parseApi(api, { optional: false })!;
      let name = "all";
      if (pair !== undefined) {
        name = formatPair(parsePair(String(pair)));
        if (walk.price(name) === undefined) throw new InvalidInputError(`the price source does not serve ${name}`);
      }
      const change = parsePercent(percent);
      if (change === 0n) skews.delete(`${liar} ${name}`);
      else skews.set(`${liar} ${name}`, change);
      return state();
    },
  };

  function serveApi(api: PriceApi, url: URL, res: ServerResponse): void {
    const outage = outageOf(api);
    if (outage?.mode === "hang") {
      const request: HeldRequest = { api, answer: () => serveApi(api, url, res) };
      held.add(request);
      res.once("close", () => held.delete(request));
      return;
    }
    if (outage?.mode === "error") {
      // what a gateway in front of a failed API sends: a page, not the API's JSON
      const title = `${outage.status} ${STATUS_CODES[outage.status] ?? "Error"}`;
      res.writeHead(outage.status, { "content-type": "text/html" });
      res.end(`<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`);
      return;
    }
    const answer = answerApi(api, url, quotes());
    sendJson(res, answer.status, answer.body);
  }

  async function admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const action = url.pathname.slice("/admin/".length);
    if (action === "state") {
      if (req.method !== "GET") return sendJson(res, 405, { error: "GET /admin/state" });
      return sendJson(res, 200, state());
    }
    const actions: Record<string, (body: Record<string, unknown>) => PriceSourceState> = {
      step: (body) => source.step(body.steps === undefined ? 1 : (body.steps as number)),
      jump: (body) => source.jump(String(body.pair ?? ""), body.percent as string | number),
      outage: (body) => source.outage(body as OutageParameters),
      skew: (body) => source.skew(body as SkewParameters),
    };
    const run = actions[action];
    if (run === undefined) return sendJson(res, 404, { error: `there is no admin action ${action}` });
    if (req.method !== "POST") return sendJson(res, 405, { error: `POST /admin/${action} with a JSON body` });
    const body = await readJsonBody(req);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return sendJson(res, 400, { error: `POST /admin/${action} takes a JSON object` });
    }
    sendJson(res, 200, run(body as Record<string, unknown>));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://price-source");
    if (url.pathname.startsWith("/admin/")) return admin(req, res, url);
    const api = apiOf(url.pathname);
    if (api === undefined) return sendJson(res, 404, { error: `no price API answers at ${url.pathname}` });
    if (req.method !== "GET") return sendJson(res, 405, { error: `${url.pathname} takes GET` });
    serveApi(api, url, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      const status = error instanceof InvalidInputError ? 400 : 500;
      sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new InvalidInputError(`port ${port} on ${host} is already in use: pick another port`, { cause: error })
          : error.code === "EADDRNOTAVAIL"
            ? new InvalidInputError(`cannot listen on ${host}: it is not an address of this machine`, { cause: error })
            : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  const ticker = tickMs > 0 ? setInterval(() => walk.step(), tickMs) : undefined;
  // the server keeps a process alive while it listens; the ticker need not
  ticker?.unref();

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`,
    ...source,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ticker);
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseApi(api: unknown, { optional }: { optional: boolean }): PriceApi | undefined {
  if (api === undefined && optional) return undefined;
  if (PRICE_APIS.includes(api as PriceApi)) return api as PriceApi;
  throw new InvalidInputError(
    `${JSON.stringify(api) ?? "nothing"} is not an API of the price source: ${PRICE_APIS.join(", ")}`,
  );
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_ADMIN_BODY_BYTES) throw new InvalidInputError("an admin request's body is at most 64 KiB");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidInputError("an admin request's body must be JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
