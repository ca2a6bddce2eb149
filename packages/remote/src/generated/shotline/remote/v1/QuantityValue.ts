// Original file: device-server.proto

export interface QuantityValue {
  magnitude?: number | string;
  unit?: string;
}

export interface QuantityValue__Output {
  magnitude: number;
  unit: string;
}
