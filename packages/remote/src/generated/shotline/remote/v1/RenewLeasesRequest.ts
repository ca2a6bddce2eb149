// Original file: device-server.proto

export interface RenewLeasesRequest {
  handles?: string[];
}

export interface RenewLeasesRequest__Output {
  handles: string[];
}
