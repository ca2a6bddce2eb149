import { describe, expect, it } from 'vitest';
import { orcaQuestConfigurationSchema } from './orca-quest-configuration.js';

function problems(configuration: unknown): string[] {
  const result = orcaQuestConfigurationSchema.safeParse(configuration);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('the ORCA-Quest configuration', () => {
  it('defaults to camera 0, the full sensor, area mode, fastest read-out and the external trigger', () => {
    expect(orcaQuestConfigurationSchema.parse({})).toEqual({
      roi: { x: 0, y: 0, width: 4096, height: 2304 },
      externalTrigger: true,
      timeouts: { margin: 1 },
      cameraNumber: 0,
      sensorMode: 'area',
      readoutSpeed: 'fastest',
      bufferCount: 10,
    });
  });

  it('refuses a ROI off the 4-pixel subarray grid, suggesting the nearest values', () => {
    expect(problems({ roi: { x: 130, y: 256, width: 64, height: 33 } })).toEqual([
      'roi.x: the ROI x 130 is not a multiple of 4: the ORCA-Quest reads subarrays in steps of 4 pixels (use 128 or 132)',
      'roi.height: the ROI height 33 is not a multiple of 4: the ORCA-Quest reads subarrays in steps of 4 pixels (use 32 or 36)',
    ]);
  });

  it('refuses a ROI beyond the 4096 x 2304 sensor', () => {
    expect(problems({ roi: { x: 4000, y: 2300, width: 100, height: 8 } })).toEqual([
      "roi.width: the ROI's right edge x + width = 4100 is beyond the ORCA-Quest sensor width 4096",
      "roi.height: the ROI's bottom edge y + height = 2308 is beyond the ORCA-Quest sensor height 2304",
    ]);
  });

  it('refuses the internal trigger, and photon-number resolving at the fastest read-out', () => {
    expect(problems({ externalTrigger: false })).toEqual([
      "externalTrigger: the ORCA-Quest driver uses the external level trigger only (the exposure is the trigger's high time, set by the sequencer): set externalTrigger to true and trigger the camera from a sequencer DeviceTrigger channel",
    ]);
    expect(problems({ sensorMode: 'photonNumberResolving' })).toEqual([
      'readoutSpeed: photon-number resolving needs the slowest read-out speed: set readoutSpeed to "slowest"',
    ]);
    expect(problems({ sensorMode: 'photonNumberResolving', readoutSpeed: 'slowest' })).toEqual([]);
  });
});
