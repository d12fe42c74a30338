/**
 * The browser host's wire format: the contract of channels.ts carried over one WebSocket,
 * one JSON text message at a time. Shared by the server (server/) and the renderer's
 * WebSocket client, which turns these messages back into an `InspectorHost`.
 */
import { z } from 'zod';
import { packItems, unpackItems, type PackedItems } from './packed-items';
import {
  requestSchemas,
  type InspectorItem,
  type Patch,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
  type Result,
} from './channels';

/** Where the WebSocket is served, on the page's own origin. */
export const WEBSOCKET_PATH = '/ws';

/**
 * The subprotocol every client offers and the server selects (`Sec-WebSocket-Protocol`).
 * v2: a large patch's items are packed (packed-items.ts); a page still speaking v1 is
 * refused at the handshake rather than misreading them, and a reload fetches the new one.
 */
export const WEBSOCKET_PROTOCOL = 'shm-inspector.v2';

/**
 * How a client presents the per-run token: a second offered subprotocol,
 * `shm-inspector.token.<64 hex digits>`. It travels only in the handshake to the server's
 * own origin (never in a cookie, which browsers send to every port of the host), and the
 * server never echoes it: it selects WEBSOCKET_PROTOCOL.
 */
export const TOKEN_PROTOCOL_PREFIX = 'shm-inspector.token.';

/** The subprotocols a client offers: the format's, then the token's. */
export function websocketProtocols(token: string): string[] {
  return [WEBSOCKET_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** The largest message the server accepts (`ws` maxPayload); requests are a few hundred bytes. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Close code for a message that breaks this format: policy violation (RFC 6455, section 7.4.1). */
export const CLOSE_POLICY_VIOLATION = 1008;

/** Client to server: a call on one channel; its response carries the same `id`. */
export interface RequestMessage<C extends RequestChannel = RequestChannel> {
  type: 'request';
  id: number;
  channel: C;
  request: RequestOf<C>;
}

/** Server to client: the result of the request with this `id`. */
export interface ResponseMessage<C extends RequestChannel = RequestChannel> {
  type: 'response';
  id: number;
  result: Result<ResponseOf<C>>;
}

/** Server to client: a change of the live state (the first one after connecting is `full`). */
export interface PatchMessage {
  type: 'patch';
  patch: Patch;
}

export type ClientMessage = RequestMessage;
export type ServerMessage = ResponseMessage | PatchMessage;

/**
 * A patch as it travels: a snapshot's or a large patch's items packed column by column
 * (packed-items.ts, about a seventh of their JSON), a small patch's as they are.
 */
export type WirePatch = Patch | (Omit<Patch, 'upserts'> & { packedUpserts: PackedItems });

/** Patches with at least this many upserts are packed: below, their field names cost less than the columns' own. */
export const PACK_FROM_UPSERTS = 16;

/** The text of one server message. */
export function encodeServerMessage(message: ServerMessage): string {
  if (message.type !== 'patch' || message.patch.upserts.length < PACK_FROM_UPSERTS) return JSON.stringify(message);
  const { upserts, ...rest } = message.patch;
  // `type` first and the samples plain: a reader can tell a patch, and one with samples, from its text.
  const patch: WirePatch = { ...rest, packedUpserts: packItems(upserts) };
  return JSON.stringify({ type: 'patch', patch });
}

/** One received server message, its patch's items unpacked; null when the text is not one. */
export function decodeServerMessage(text: string): ServerMessage | null {
  let message: { type?: unknown; id?: unknown; patch?: unknown } | null;
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    return null;
  }
  if (message?.type === 'response' && typeof message.id === 'number') return message as ResponseMessage;
  if (message?.type !== 'patch' || typeof message.patch !== 'object' || message.patch === null) return null;
  const wire = message.patch as Partial<Record<'upserts' | 'packedUpserts', unknown>>;
  if (Array.isArray(wire.upserts)) return message as PatchMessage;
  if (typeof wire.packedUpserts !== 'object' || wire.packedUpserts === null) return null;
  const { packedUpserts, ...rest } = wire as Omit<Patch, 'upserts'> & { packedUpserts: PackedItems };
  let upserts: InspectorItem[];
  try {
    upserts = unpackItems(packedUpserts);
  } catch {
    // Packed items that do not unpack are outside the format like any other malformed message.
    return null;
  }
  return { type: 'patch', patch: { ...rest, upserts } };
}

/**
 * The envelope of a request as the server receives it. The channel is any short string,
 * so that a client newer than the server gets an error response rather than a closed
 * socket; the request itself is validated by the channel's schema in the engine.
 */
export const requestEnvelope = z
  .object({
    type: z.literal('request'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    channel: z.string().min(1).max(100),
    request: z.unknown(),
  })
  .strict();
export type RequestEnvelope = z.infer<typeof requestEnvelope>;

/** Parses one received text message; null when it is not JSON or not a request envelope. */
export function parseRequestEnvelope(text: string): RequestEnvelope | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = requestEnvelope.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Whether `name` is one of the contract's request channels (own keys only: never `toString` or `__proto__`). */
export function isRequestChannel(name: string): name is RequestChannel {
  return Object.hasOwn(requestSchemas, name);
}
