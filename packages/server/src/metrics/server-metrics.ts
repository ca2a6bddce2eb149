import type { ShotlineEventBus } from '@shotline/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the metrics read on demand. */
export interface MetricsSources {
  /** Runs waiting in the queue. */
  queueDepth(): Promise<number>;
  /** Clients on the event stream. */
  eventClients(): number;
}

const SHOT_BUCKETS = [
  0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * The server's Prometheus metrics (prom-client, its own registry): shots stored, shots per second
 * over the last 10 s, shot overhead (run time beyond the shot's own duration), per-device timing,
 * queue depth, event clients, slow clients dropped, HTTP requests, and the process's own metrics.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly slowClientsDropped: Counter;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly recentShots: number[] = [];

  constructor(events: ShotlineEventBus, sources: MetricsSources) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry, prefix: 'shotline_process_' });
    const shots = new Counter({
      name: 'shotline_shots_stored_total',
      help: 'Shots committed to storage',
      registers: [registry],
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'shotline_shots_per_second',
      help: 'Shots stored per second over the last 10 s',
      registers: [registry],
      collect() {
        const now = performance.now();
        while (self.recentShots.length > 0 && self.recentShots[0]! < now - 10_000) {
          self.recentShots.shift();
        }
        this.set(self.recentShots.length / 10);
      },
    });
    const overhead = new Histogram({
      name: 'shotline_shot_overhead_seconds',
      help: "Run time of a shot beyond the shot's own duration",
      buckets: SHOT_BUCKETS,
      registers: [registry],
    });
    const runTime = new Histogram({
      name: 'shotline_shot_run_seconds',
      help: 'Wall time of a shot on the devices',
      buckets: SHOT_BUCKETS,
      registers: [registry],
    });
    const deviceReady = new Histogram({
      name: 'shotline_device_ready_seconds',
      help: 'Time from the start of a shot until the device was ready (waitAllDevicesReady)',
      labelNames: ['device'],
      buckets: SHOT_BUCKETS,
      registers: [registry],
    });
    const deviceFinished = new Histogram({
      name: 'shotline_device_finished_seconds',
      help: "Time from the start of a shot until the device's runShot returned",
      labelNames: ['device'],
      buckets: SHOT_BUCKETS,
      registers: [registry],
    });
    new Gauge({
      name: 'shotline_queue_depth',
      help: 'Runs waiting in the queue',
      registers: [registry],
      async collect() {
        this.set(await sources.queueDepth());
      },
    });
    new Gauge({
      name: 'shotline_event_clients',
      help: 'Clients connected to the event stream',
      registers: [registry],
      collect() {
        this.set(sources.eventClients());
      },
    });
    this.slowClientsDropped = new Counter({
      name: 'shotline_event_clients_dropped_total',
      help: 'Event-stream clients dropped because they did not keep up',
      registers: [registry],
    });
    this.httpRequests = new Counter({
      name: 'shotline_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    const durations = new Map<string, number>();
    events.on('shot-compiled', (e) => durations.set(`${e.sequence}#${e.index}`, e.durationSeconds));
    events.on('shot-finished', (e) => {
      const key = `${e.sequence}#${e.index}`;
      const duration = durations.get(key);
      durations.delete(key);
      runTime.observe(e.runMs / 1000);
      if (duration !== undefined) overhead.observe(Math.max(0, e.runMs / 1000 - duration));
      for (const [device, t] of Object.entries(e.devices ?? {})) {
        if (t.readyMs !== null) deviceReady.observe({ device }, t.readyMs / 1000);
        if (t.finishedMs !== null) deviceFinished.observe({ device }, t.finishedMs / 1000);
      }
    });
    events.on('shot-stored', () => {
      shots.inc();
      this.recentShots.push(performance.now());
      if (this.recentShots.length > 100_000) this.recentShots.splice(0, 50_000);
    });
    events.on('sequence-state', (e) => {
      if (e.state !== 'running' && e.state !== 'preparing') {
        for (const key of durations.keys())
          if (key.startsWith(`${e.sequence}#`)) durations.delete(key);
      }
    });
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
