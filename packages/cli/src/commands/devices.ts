import { fileURLToPath } from 'node:url';
import { withLab, type CommandContext } from '../command-context.js';
import { oneLine } from '../output/output.js';

/** One plugin as `shotline devices` reports it. */
export interface PluginListing {
  readonly package: string;
  readonly version: string | null;
  readonly entry: string;
  readonly deviceTypes: readonly { type: string; label: string }[];
  readonly laneTypes: readonly string[];
}

/** `shotline devices`: the plugins found for the lab, their device types, and the broken ones. */
export async function devicesCommand(context: CommandContext): Promise<void> {
  await withLab(context, async (lab) => {
    const report = lab.pluginReport;
    const plugins: PluginListing[] = report.loaded.map((p) => ({
      package: p.packageName,
      version: p.version ?? null,
      entry: fileURLToPath(p.entryUrl),
      deviceTypes: p.deviceTypes.map((type) => ({
        type,
        label: lab.registry.findExtension(type)?.label ?? type,
      })),
      laneTypes: p.laneTypes,
    }));
    const failed = report.failed.map((f) => ({
      package: f.packageName,
      version: f.version ?? null,
      code: f.error.code,
      cause: oneLine(f.error.message),
    }));
    const ignored = report.ignored.map((i) => ({
      package: i.packageName,
      version: i.version ?? null,
    }));
    context.output.result({ root: lab.pluginRoot, plugins, failed, ignored }, () => {
      const lines: string[] = [`plugins found in ${lab.pluginRoot}/node_modules:`];
      if (plugins.length === 0) lines.push('  (none)');
      for (const p of plugins) {
        lines.push(`  ${p.package}@${p.version ?? '?'}`);
        for (const d of p.deviceTypes) lines.push(`    ${d.type.padEnd(36)} ${d.label}`);
        if (p.laneTypes.length > 0) lines.push(`    lane types: ${p.laneTypes.join(', ')}`);
      }
      if (failed.length > 0) {
        lines.push('broken plugins (not loaded):');
        for (const f of failed) lines.push(`  ${f.package}@${f.version ?? '?'}: ${f.cause}`);
      }
      if (ignored.length > 0) {
        lines.push('not in the allow-list (not loaded):');
        for (const i of ignored) lines.push(`  ${i.package}@${i.version ?? '?'}`);
      }
      return lines;
    });
  });
}
