// Entry of a compile worker thread. It rebuilds the device compilers once, from the serialisable
// setup in workerData (plugin module URLs, sequence JSON, configuration JSON), then compiles shots on
// request. Loaded from core's built dist (a Worker needs a JavaScript file).
import { parentPort, workerData } from 'node:worker_threads';
import { summarizeError, withContext } from '../../errors/index.js';
import { Parameters } from '../../parameters/index.js';
import { DeviceRegistry, PluginLoadError, pluginFromModule } from '../../plugins/index.js';
import type {
  CompileBatch,
  CompileRequest,
  CompileWorkerMessage,
  CompileWorkerSetup,
} from './compile-protocol.js';
import {
  buildSequenceCompilation,
  compileShotParameters,
  type SequenceCompilation,
} from './sequence-compilation.js';
import { encodeForTransfer } from './transfer.js';

const port = parentPort;
if (!port) throw new Error('the compile worker must run in a worker thread');

function post(message: CompileWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function setup(data: CompileWorkerSetup): Promise<SequenceCompilation> {
  const registry = new DeviceRegistry();
  for (const p of data.plugins) {
    let module: Record<string, unknown>;
    try {
      module = (await import(p.moduleUrl)) as Record<string, unknown>;
    } catch (e) {
      throw new PluginLoadError(p.name, p.version, `cannot import ${p.moduleUrl}: ${String(e)}`, {
        cause: e,
      });
    }
    const plugin = pluginFromModule(module);
    if (!plugin) {
      throw new PluginLoadError(p.name, p.version, `${p.moduleUrl} exports no plugin`);
    }
    await registry.use(
      { name: p.name, register: (r) => plugin.register(r) },
      { ...(p.version === undefined ? {} : { version: p.version }), moduleUrl: p.moduleUrl },
    );
  }
  return buildSequenceCompilation(data.sequence, registry);
}

function compile(
  compilation: SequenceCompilation,
  request: CompileRequest,
  transfer: ArrayBuffer[],
): CompileWorkerMessage {
  try {
    const parameters = Parameters.fromTypedJSON(request.parameters);
    const result = compileShotParameters(compilation, request.index, parameters);
    const encoded: (readonly [string, unknown])[] = [];
    for (const [device, value] of result.deviceParameters) {
      try {
        encoded.push([
          device,
          encodeForTransfer(value, `shot parameters of device "${device}"`, transfer),
        ]);
      } catch (e) {
        throw withContext(e, {
          sequence: compilation.context.sequencePath,
          shot: request.index,
          device,
        });
      }
    }
    return {
      kind: 'compiled',
      id: request.id,
      durationSeconds: result.durationSeconds,
      deviceParameters: encoded,
    };
  } catch (e) {
    return { kind: 'compile-failed', id: request.id, error: summarizeError(e) };
  }
}

setup(workerData as CompileWorkerSetup).then(
  (compilation) => {
    port.on('message', (batch: CompileBatch) => {
      for (const request of batch.requests) {
        const transfer: ArrayBuffer[] = [];
        const message = compile(compilation, request, transfer);
        post(message, message.kind === 'compiled' ? transfer : []);
      }
    });
    post({ kind: 'ready' });
  },
  (e: unknown) => post({ kind: 'setup-failed', error: summarizeError(e) }),
);
