// Original file: device-server.proto

export interface InstructionField {
  name?: string;
  dtype?: string;
}

export interface InstructionField__Output {
  name: string;
  dtype: string;
}
