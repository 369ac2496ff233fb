/**
 * The live channels, deployed (AppSync Events) and local (its stand-in) alike: one WebSocket per
 * signed-in tab speaking the AppSync Events protocol (subprotocols `aws-appsync-event-ws` and
 * `header-<base64url {Authorization, host}>`; connection_init/ack, ka, subscribe, data, publish).
 * A task event refreshes what the tab shows of that org's tasks; presence heartbeats go out every
 * 20 s while the tab is visible, and members heard from in the last minute count as online.
 * Subscriptions survive a dropped connection: the socket comes back with backoff and resubscribes.
 *
 * Losing access ends listening: with the first channel of an org the tab also hears the org's access
 * channel, and when it says the caller was removed or the org suspended (or the service ends or
 * refuses a subscription that worked before), every subscription to that org is dropped and the
 * page is told. The connection is also opened afresh every `reauthorizeMs`, so each subscription
 * passes the authorizer again: a tab that missed the word stops within that time.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  AccessEvent,
  channelOf,
  PresenceEvent,
  parseChannel,
  presenceHeartbeatMs,
  presenceWindowMs,
  ReplyStreamEvent,
  TaskChangeEvent,
} from '../../../functions/api/live';
import { announceFailure } from '../components/feedback';
import type { RuntimeConfig } from './api';
import { orgKey } from './queries';
import { useSession } from './session';

type Listener = (event: unknown) => void;

/** Why a tab stopped listening to an org. */
export type AccessLoss = 'revoked' | 'suspended';

interface Subscription {
  channel: string;
  orgId: string | undefined;
  listener: Listener;
  /** Called once the service has accepted the subscription. */
  onReady?: () => void;
  /** Called when the org's channels are given up because access to it was lost. */
  onLost?: (why: AccessLoss) => void;
  /** The service accepted it once (on this connection or an earlier one). */
  accepted: boolean;
}

/** How long one connection lives before it is opened again (and every subscription re-authorized). */
const reauthorizeMs = 10 * 60_000;

const base64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

class LiveConnection {
  private socket: WebSocket | undefined;
  private ready = false;
  private readonly subscriptions = new Map<string, Subscription>();
  private retryMs = 1_000;
  private timeoutMs = 300_000;
  /** Publishes made before the connection is acknowledged go out right after it. */
  private pending: Record<string, unknown>[] = [];
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private renewal: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly url: string;
  private readonly authorization: { Authorization: string; host: string };
  /** The org access channel subscription's id, per org heard from. */
  private readonly access = new Map<string, string>();

  constructor(
    live: NonNullable<RuntimeConfig['live']>,
    token: string,
    private readonly userId: string,
  ) {
    const url = new URL(live.realtimeUrl, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
    this.url = url.toString();
    this.authorization = { Authorization: `Bearer ${token}`, host: live.host ?? window.location.host };
    this.open();
  }

  private send(message: Record<string, unknown>) {
    if (this.ready) this.socket?.send(JSON.stringify(message));
  }

  private open() {
    const header = `header-${base64url(JSON.stringify(this.authorization))}`;
    const socket = new WebSocket(this.url, ['aws-appsync-event-ws', header]);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init' }));
    socket.onmessage = (message) => this.receive(JSON.parse(String(message.data)));
    socket.onclose = () => {
      this.ready = false;
      clearTimeout(this.deadline);
      clearTimeout(this.renewal);
      if (this.closed) return;
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 30_000);
    };
  }

  /** No `ka` within the server's timeout: the connection is dead even if the socket says otherwise. */
  private keepAlive(timeoutMs: number) {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.socket?.close(), timeoutMs);
  }

  private receive(message: { type: string; id?: string; event?: string; connectionTimeoutMs?: number }) {
    if (message.type === 'connection_ack') {
      this.ready = true;
      this.retryMs = 1_000;
      this.timeoutMs = message.connectionTimeoutMs ?? 300_000;
      this.keepAlive(this.timeoutMs);
      // A fresh connection subscribes anew, so the authorizer decides about each subscription again.
      this.renewal = setTimeout(() => this.socket?.close(), reauthorizeMs);
      for (const [id, s] of this.subscriptions) this.subscribeOnSocket(id, s.channel);
      for (const message of this.pending.splice(0)) this.send(message);
    } else if (message.type === 'ka') {
      this.keepAlive(this.timeoutMs);
    } else if (message.type === 'data' && message.id && message.event) {
      this.subscriptions.get(message.id)?.listener(JSON.parse(message.event));
    } else if (message.type === 'subscribe_success' && message.id) {
      const subscription = this.subscriptions.get(message.id);
      if (subscription) subscription.accepted = true;
      subscription?.onReady?.();
    } else if ((message.type === 'subscribe_error' || message.type === 'error') && message.id) {
      // Refused on resubscribing, or ended by the service: what worked before no longer does.
      const subscription = this.subscriptions.get(message.id);
      if (subscription?.accepted && subscription.orgId) this.lose(subscription.orgId, 'revoked');
    }
  }

  /** The org's access channel, heard from with its first subscription. */
  private hearAccess(orgId: string) {
    if (this.access.has(orgId)) return;
    const id = this.add(channelOf(orgId, 'access'), (raw) => {
      const event = AccessEvent.safeParse(raw);
      if (!event.success) return;
      if (event.data.kind === 'suspended') this.lose(orgId, 'suspended');
      else if (event.data.userId === this.userId) this.lose(orgId, 'revoked');
    });
    this.access.set(orgId, id);
  }

  /** Gives up every channel of the org, telling each subscriber once. */
  private lose(orgId: string, why: AccessLoss) {
    this.access.delete(orgId);
    for (const [id, s] of [...this.subscriptions]) {
      if (s.orgId !== orgId) continue;
      this.subscriptions.delete(id);
      this.send({ type: 'unsubscribe', id });
      s.onLost?.(why);
    }
  }

  private add(channel: string, listener: Listener, onReady?: () => void, onLost?: (why: AccessLoss) => void) {
    const id = crypto.randomUUID();
    const orgId = parseChannel(channel)?.orgId;
    this.subscriptions.set(id, { channel, orgId, listener, onReady, onLost, accepted: false });
    this.subscribeOnSocket(id, channel);
    return id;
  }

  private subscribeOnSocket(id: string, channel: string) {
    this.send({ type: 'subscribe', id, channel, authorization: this.authorization });
  }

  subscribe(
    channel: string,
    listener: Listener,
    options: { onReady?: () => void; onLost?: (why: AccessLoss) => void } = {},
  ): () => void {
    const orgId = parseChannel(channel)?.orgId;
    if (orgId) this.hearAccess(orgId);
    const id = this.add(channel, listener, options.onReady, options.onLost);
    return () => {
      if (this.subscriptions.delete(id)) this.send({ type: 'unsubscribe', id });
    };
  }

  publish(channel: string, event: unknown) {
    const message = {
      type: 'publish',
      id: crypto.randomUUID(),
      channel,
      events: [JSON.stringify(event)],
      authorization: this.authorization,
    };
    if (this.ready) this.send(message);
    else this.pending = [...this.pending.slice(-9), message];
  }

  close() {
    this.closed = true;
    clearTimeout(this.renewal);
    this.socket?.close();
  }
}

let shared: { token: string; connection: LiveConnection } | undefined;

/** The tab's one connection for this token (a new token, after signing in again, replaces it). */
function connectionFor(config: RuntimeConfig, token: string, userId: string): LiveConnection | undefined {
  if (!config.live) return undefined;
  if (shared?.token !== token) {
    shared?.connection.close();
    shared = { token, connection: new LiveConnection(config.live, token, userId) };
  }
  return shared.connection;
}

/**
 * What a page does when its org's channels are given up: says so once (one notice per org, however
 * many hooks listened) and reloads the org's queries, whose answers (404, suspended) then show.
 */
function useAccessLost(orgId: string) {
  const client = useQueryClient();
  return useCallback(
    (why: AccessLoss) => {
      announceFailure(
        'Live updates stopped',
        why === 'suspended'
          ? 'This organization was suspended.'
          : 'You no longer have access to this organization.',
        `live-lost-${orgId}`,
      );
      void client.invalidateQueries({ queryKey: orgKey(orgId) });
    },
    [client, orgId],
  );
}

/** Keeps every task query of the org fresh: each change on the channel refetches what is shown. */
export function useLiveTasks(orgId: string) {
  const { config, token, profile } = useSession();
  const client = useQueryClient();
  const onLost = useAccessLost(orgId);
  useEffect(() => {
    const connection = connectionFor(config, token, profile.id);
    return connection?.subscribe(
      channelOf(orgId, 'tasks'),
      (event) => {
        if (!TaskChangeEvent.safeParse(event).success) return;
        for (const operation of ['listTasks', 'getTask', 'getTaskSummary']) {
          void client.invalidateQueries({ queryKey: [...orgKey(orgId), operation] });
        }
      },
      { onLost },
    );
  }, [config, token, profile.id, orgId, client, onLost]);
}

/**
 * Who of the org has the admin site open (heard from within the last minute), the caller included:
 * their user ids, in the order first heard. Each heartbeat arrives stamped by the service with its
 * publisher's id; freshness is counted from when this tab heard it, so no clock but ours matters.
 */
export function usePresence(orgId: string): string[] {
  const { config, token, profile } = useSession();
  const onLost = useAccessLost(orgId);
  const [seen, setSeen] = useState<Map<string, number>>(new Map());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const connection = connectionFor(config, token, profile.id);
    if (!connection) return;
    const channel = channelOf(orgId, 'presence');
    let lastBeat = 0;
    const beat = () => {
      if (document.visibilityState !== 'visible') return;
      lastBeat = Date.now();
      setSeen((before) => new Map(before).set(profile.id, lastBeat));
      // Only a sign of life: the service puts who sent it and when in its place.
      connection.publish(channel, {});
      setNow(lastBeat);
    };
    const unsubscribe = connection.subscribe(
      channel,
      (event) => {
        const parsed = PresenceEvent.safeParse(event);
        if (!parsed.success || parsed.data.userId === profile.id) return;
        const { userId } = parsed.data;
        setSeen((before) => {
          // Someone new: answer at once, so they need not wait a whole heartbeat to see us.
          if (!before.has(userId) && Date.now() - lastBeat > 2_000) setTimeout(beat, 0);
          return new Map(before).set(userId, Date.now());
        });
        setNow(Date.now());
      },
      { onLost },
    );
    beat();
    const timer = setInterval(beat, presenceHeartbeatMs);
    document.addEventListener('visibilitychange', beat);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', beat);
      unsubscribe();
    };
  }, [config, token, orgId, profile.id, onLost]);
  return [...seen].filter(([, heard]) => now - heard < presenceWindowMs).map(([userId]) => userId);
}

/** A reply being written, as the chat page shows it while its send is pending. */
export interface StreamedReply {
  /** The text so far, pieces in their order. */
  text: string;
  /** done or failed once the model finished; the stored reply then replaces the text. */
  ended: 'done' | 'failed' | null;
}

/**
 * The conversation's channel while it is open: the reply to the caller's own send, piece by piece.
 * `listen(id)` subscribes at once (before the first send of a new conversation) and resolves when
 * the service accepted it, or after two seconds (the reply then arrives whole, as always);
 * `begin()` and `end()` bracket a send.
 */
export function useReplyStream(orgId: string, conversationId: string | null) {
  const { config, token, profile } = useSession();
  const onLost = useAccessLost(orgId);
  const [reply, setReply] = useState<StreamedReply | null>(null);
  const current = useRef<{ conversationId: string; ready: Promise<void>; stop: () => void } | undefined>(
    undefined,
  );
  /** The question the pieces shown answer: the first one heard after begin(). */
  const answering = useRef<{ replyTo: string | null; pieces: Map<number, string> } | null>(null);

  const listen = useCallback(
    (id: string): Promise<void> => {
      if (current.current?.conversationId === id) return current.current.ready;
      current.current?.stop();
      const connection = connectionFor(config, token, profile.id);
      if (!connection) return Promise.resolve();
      let ready: () => void = () => undefined;
      const accepted = new Promise<void>((resolve) => {
        ready = resolve;
        setTimeout(resolve, 2_000);
      });
      const stop = connection.subscribe(
        channelOf(orgId, 'conversations', id),
        (raw) => {
          const parsed = ReplyStreamEvent.safeParse(raw);
          const mine = answering.current;
          if (!parsed.success || !mine) return;
          const event = parsed.data;
          mine.replyTo ??= event.replyTo;
          if (mine.replyTo !== event.replyTo) return;
          if (event.kind === 'delta') mine.pieces.set(event.seq, event.text);
          const text = [...mine.pieces.entries()]
            .sort(([a], [b]) => a - b)
            .map(([, piece]) => piece)
            .join('');
          setReply({ text, ended: event.kind === 'delta' ? null : event.kind });
        },
        { onReady: ready, onLost },
      );
      current.current = { conversationId: id, ready: accepted, stop };
      return accepted;
    },
    [config, token, profile.id, orgId, onLost],
  );

  useEffect(() => {
    if (conversationId) void listen(conversationId);
    else {
      current.current?.stop();
      current.current = undefined;
    }
  }, [conversationId, listen]);
  useEffect(
    () => () => {
      current.current?.stop();
      current.current = undefined;
    },
    [],
  );

  const begin = useCallback(() => {
    answering.current = { replyTo: null, pieces: new Map() };
    setReply({ text: '', ended: null });
  }, []);
  const end = useCallback(() => {
    answering.current = null;
    setReply(null);
  }, []);
  return { reply, listen, begin, end };
}
