// Original file: device-server.proto

export interface CloseDeviceRequest {
  handle?: string;
}

export interface CloseDeviceRequest__Output {
  handle: string;
}
