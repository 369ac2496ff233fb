/**
 * The live channels, deployed (AppSync Events) and local (its stand-in) alike: one WebSocket per
 * signed-in tab speaking the AppSync Events protocol (subprotocols `aws-appsync-event-ws` and
 * `header-<base64url {Authorization, host}>`; connection_init/ack, ka, subscribe, data, publish).
 * A task event refreshes what the tab shows of that org's tasks; presence heartbeats go out every
 * 20 s while the tab is visible, and members heard from in the last minute count as online.
 * Subscriptions survive a dropped connection: the socket comes back with backoff and resubscribes.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  channelOf,
  PresenceEvent,
  presenceHeartbeatMs,
  presenceWindowMs,
  ReplyStreamEvent,
  TaskChangeEvent,
} from '../../../functions/api/live';
import type { RuntimeConfig } from './api';
import { orgKey } from './queries';
import { useSession } from './session';

type Listener = (event: unknown) => void;

interface Subscription {
  channel: string;
  listener: Listener;
  /** Called once the service has accepted the subscription. */
  onReady?: () => void;
}

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
  private closed = false;
  private readonly url: string;
  private readonly authorization: { Authorization: string; host: string };

  constructor(live: NonNullable<RuntimeConfig['live']>, token: string) {
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
      for (const [id, s] of this.subscriptions) this.subscribeOnSocket(id, s.channel);
      for (const message of this.pending.splice(0)) this.send(message);
    } else if (message.type === 'ka') {
      this.keepAlive(this.timeoutMs);
    } else if (message.type === 'data' && message.id && message.event) {
      this.subscriptions.get(message.id)?.listener(JSON.parse(message.event));
    } else if (message.type === 'subscribe_success' && message.id) {
      this.subscriptions.get(message.id)?.onReady?.();
    }
  }

  private subscribeOnSocket(id: string, channel: string) {
    this.send({ type: 'subscribe', id, channel, authorization: this.authorization });
  }

  subscribe(channel: string, listener: Listener, onReady?: () => void): () => void {
    const id = crypto.randomUUID();
    this.subscriptions.set(id, { channel, listener, onReady });
    this.subscribeOnSocket(id, channel);
    return () => {
      this.subscriptions.delete(id);
      this.send({ type: 'unsubscribe', id });
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
    this.socket?.close();
  }
}

let shared: { token: string; connection: LiveConnection } | undefined;

/** The tab's one connection for this token (a new token, after signing in again, replaces it). */
function connectionFor(config: RuntimeConfig, token: string): LiveConnection | undefined {
  if (!config.live) return undefined;
  if (shared?.token !== token) {
    shared?.connection.close();
    shared = { token, connection: new LiveConnection(config.live, token) };
  }
  return shared.connection;
}

/** Keeps every task query of the org fresh: each change on the channel refetches what is shown. */
export function useLiveTasks(orgId: string) {
  const { config, token } = useSession();
  const client = useQueryClient();
  useEffect(() => {
    const connection = connectionFor(config, token);
    return connection?.subscribe(channelOf(orgId, 'tasks'), (event) => {
      if (!TaskChangeEvent.safeParse(event).success) return;
      for (const operation of ['listTasks', 'getTask', 'getTaskSummary']) {
        void client.invalidateQueries({ queryKey: [...orgKey(orgId), operation] });
      }
    });
  }, [config, token, orgId, client]);
}

/** Who of the org has the admin site open (heard from within the last minute), the caller included. */
export function usePresence(orgId: string): PresenceEvent[] {
  const { config, token, profile } = useSession();
  const [seen, setSeen] = useState<Map<string, PresenceEvent>>(new Map());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const connection = connectionFor(config, token);
    if (!connection) return;
    const channel = channelOf(orgId, 'presence');
    let lastBeat = 0;
    const beat = () => {
      if (document.visibilityState !== 'visible') return;
      const me = {
        userId: profile.id,
        name: profile.name,
        picture: profile.picture,
        at: new Date().toISOString(),
      };
      lastBeat = Date.now();
      setSeen((before) => new Map(before).set(me.userId, me));
      connection.publish(channel, me);
      setNow(lastBeat);
    };
    const unsubscribe = connection.subscribe(channel, (event) => {
      const parsed = PresenceEvent.safeParse(event);
      if (!parsed.success || parsed.data.userId === profile.id) return;
      const heard = parsed.data;
      setSeen((before) => {
        // Someone new: answer at once, so they need not wait a whole heartbeat to see us.
        if (!before.has(heard.userId) && Date.now() - lastBeat > 2_000) setTimeout(beat, 0);
        return new Map(before).set(heard.userId, heard);
      });
      setNow(Date.now());
    });
    beat();
    const timer = setInterval(beat, presenceHeartbeatMs);
    document.addEventListener('visibilitychange', beat);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', beat);
      unsubscribe();
    };
  }, [config, token, orgId, profile.id, profile.name, profile.picture]);
  return [...seen.values()].filter((p) => now - Date.parse(p.at) < presenceWindowMs);
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
  const { config, token } = useSession();
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
      const connection = connectionFor(config, token);
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
        ready,
      );
      current.current = { conversationId: id, ready: accepted, stop };
      return accepted;
    },
    [config, token, orgId],
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
