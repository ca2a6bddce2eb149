import { z } from 'zod';
import { cameraConfigurationFields } from '../camera-configuration.js';
import { roiSchema } from '../roi.js';

/** The ORCA-Quest sensor: 4096 × 2304 pixels. */
export const ORCA_QUEST_SENSOR = Object.freeze({ width: 4096, height: 2304 });

/** The subarray step of the ORCA-Quest: offsets and sizes are multiples of 4 pixels. */
export const ORCA_QUEST_ROI_STEP = 4;

/** The model name used in messages. */
export const ORCA_QUEST_MODEL = 'ORCA-Quest';

/** Sensor modes: normal area read-out, or photon-number resolving (slowest read-out only). */
export const orcaQuestSensorModeSchema = z.enum(['area', 'photonNumberResolving']);

/** Read-out speeds: `slowest` (ultra-quiet) or `fastest` (standard). */
export const orcaQuestReadoutSpeedSchema = z.enum(['slowest', 'fastest']);

/** The zod fields of an {@link OrcaQuestConfiguration}, for the simulated camera to extend. */
export const orcaQuestConfigurationFields = {
  ...cameraConfigurationFields,
  roi: roiSchema.default({ x: 0, y: 0, ...ORCA_QUEST_SENSOR }),
  /**
   * Always true: the camera exposes while its external trigger is high (level trigger), so the
   * sequencer sets every exposure.
   */
  externalTrigger: z.boolean().default(true),
  /** The camera's index among the cameras DCAM-API finds (0 for the first). */
  cameraNumber: z.int().min(0).default(0),
  sensorMode: orcaQuestSensorModeSchema.default('area'),
  readoutSpeed: orcaQuestReadoutSpeedSchema.default('fastest'),
  /** Frame buffers allocated on the host: the most pictures one shot can take. */
  bufferCount: z.int().min(1).max(64).default(10),
  /** Where libdcamapi.so is, when the loader does not find it (else `SHOTLINE_DCAMAPI_LIBRARY`). */
  libraryPath: z.string().min(1).optional(),
};

/** What {@link refineOrcaQuest} reads. */
interface OrcaQuestChecked {
  readonly roi: {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
  };
  readonly externalTrigger: boolean;
  readonly sensorMode: z.infer<typeof orcaQuestSensorModeSchema>;
  readonly readoutSpeed: z.infer<typeof orcaQuestReadoutSpeedSchema>;
}

/**
 * The checks of an ORCA-Quest configuration (a zod refinement), so a sequence is refused when it is
 * checked, not when the camera opens: the ROI within the 4096 × 2304 sensor and on the 4-pixel
 * subarray grid, the external level trigger, and photon-number resolving at the slowest read-out.
 */
export function refineOrcaQuest(configuration: OrcaQuestChecked, ctx: z.RefinementCtx): void {
  const { roi } = configuration;
  const step = ORCA_QUEST_ROI_STEP;
  for (const key of ['x', 'y', 'width', 'height'] as const) {
    if (roi[key] % step !== 0) {
      const below = roi[key] - (roi[key] % step);
      ctx.addIssue({
        code: 'custom',
        path: ['roi', key],
        message:
          `the ROI ${key} ${roi[key]} is not a multiple of ${step}: the ${ORCA_QUEST_MODEL} reads ` +
          `subarrays in steps of ${step} pixels (use ${below} or ${below + step})`,
      });
    }
  }
  const edges = [
    ['x', 'width', 'right edge x + width', ORCA_QUEST_SENSOR.width],
    ['y', 'height', 'bottom edge y + height', ORCA_QUEST_SENSOR.height],
  ] as const;
  for (const [offset, size, edge, limit] of edges) {
    if (roi[offset] + roi[size] > limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['roi', size],
        message:
          `the ROI's ${edge} = ${roi[offset] + roi[size]} is beyond the ${ORCA_QUEST_MODEL} ` +
          `sensor ${size} ${limit}`,
      });
    }
  }
  if (!configuration.externalTrigger) {
    ctx.addIssue({
      code: 'custom',
      path: ['externalTrigger'],
      message:
        `the ${ORCA_QUEST_MODEL} driver uses the external level trigger only (the exposure is the ` +
        `trigger's high time, set by the sequencer): set externalTrigger to true and trigger the ` +
        `camera from a sequencer DeviceTrigger channel`,
    });
  }
  if (
    configuration.sensorMode === 'photonNumberResolving' &&
    configuration.readoutSpeed !== 'slowest'
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['readoutSpeed'],
      message: `photon-number resolving needs the slowest read-out speed: set readoutSpeed to "slowest"`,
    });
  }
}

/**
 * Configuration of a Hamamatsu ORCA-Quest through DCAM-API (`shotline.camera.orca-quest`), with
 * every limit of the camera checked.
 */
export const orcaQuestConfigurationSchema = z
  .object(orcaQuestConfigurationFields)
  .superRefine(refineOrcaQuest);

/** Configuration of an ORCA-Quest. */
export type OrcaQuestConfiguration = z.infer<typeof orcaQuestConfigurationSchema>;
