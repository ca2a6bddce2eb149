import { Expression } from '@shotline/core';
import type { ChannelOutput } from '../configuration/channel-output.js';
import { BroadenLeftNode } from './broaden-left.js';
import { CalibratedAnalogMappingNode } from './calibrated-analog-mapping.js';
import { ConstantNode } from './constant.js';
import { DeviceTriggerNode } from './device-trigger.js';
import { LaneValuesNode } from './lane-values.js';
import { LogicGateNode, NotNode } from './logic-gates.js';
import type { OutputNode } from './output-node.js';
import { AdvanceNode, DelayNode } from './timing-shift.js';

/**
 * The evaluable tree of a channel output (its JSON validated by `channelOutputSchema`): expressions
 * are parsed here, once per sequence.
 */
export function buildOutput(output: ChannelOutput): OutputNode {
  switch (output.type) {
    case 'LaneValues':
      return new LaneValuesNode(output.lane, optional(output.default));
    case 'Constant':
      return new ConstantNode(new Expression(output.value));
    case 'DeviceTrigger':
      return new DeviceTriggerNode(output.device, optional(output.default));
    case 'Advance':
      return new AdvanceNode(buildOutput(output.input), new Expression(output.advance));
    case 'Delay':
      return new DelayNode(buildOutput(output.input), new Expression(output.delay));
    case 'BroadenLeft':
      return new BroadenLeftNode(buildOutput(output.input), new Expression(output.width));
    case 'CalibratedAnalogMapping':
      return new CalibratedAnalogMappingNode(
        buildOutput(output.input),
        output.inputUnit,
        output.outputUnit,
        output.points,
      );
    case 'Not':
      return new NotNode(buildOutput(output.input));
    case 'And':
    case 'Or':
    case 'Xor':
      return new LogicGateNode(output.type, output.inputs.map(buildOutput));
  }
}

function optional(output: ChannelOutput | undefined): OutputNode | undefined {
  return output === undefined ? undefined : buildOutput(output);
}
