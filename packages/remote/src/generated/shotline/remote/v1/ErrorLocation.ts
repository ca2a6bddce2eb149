// Original file: device-server.proto

export interface ErrorLocation {
  sequence?: string;
  path?: string;
  shot?: number | string;
  device?: string;
  channel?: string;
  step?: string;
  lane?: string;
  block?: number | string;
  expression?: string;
  column?: number | string;
  label?: string;
  parameter?: string;
  plugin?: string;
  resource?: string;
  file?: string;
  _sequence?: 'sequence';
  _path?: 'path';
  _shot?: 'shot';
  _device?: 'device';
  _channel?: 'channel';
  _step?: 'step';
  _lane?: 'lane';
  _block?: 'block';
  _expression?: 'expression';
  _column?: 'column';
  _label?: 'label';
  _parameter?: 'parameter';
  _plugin?: 'plugin';
  _resource?: 'resource';
  _file?: 'file';
}

export interface ErrorLocation__Output {
  sequence?: string;
  path?: string;
  shot?: number;
  device?: string;
  channel?: string;
  step?: string;
  lane?: string;
  block?: number;
  expression?: string;
  column?: number;
  label?: string;
  parameter?: string;
  plugin?: string;
  resource?: string;
  file?: string;
  _sequence?: 'sequence';
  _path?: 'path';
  _shot?: 'shot';
  _device?: 'device';
  _channel?: 'channel';
  _step?: 'step';
  _lane?: 'lane';
  _block?: 'block';
  _expression?: 'expression';
  _column?: 'column';
  _label?: 'label';
  _parameter?: 'parameter';
  _plugin?: 'plugin';
  _resource?: 'resource';
  _file?: 'file';
}
