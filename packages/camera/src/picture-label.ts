/** The data label of a camera picture: `<device>\<picture>`. */
export function pictureLabel(deviceName: string, pictureName: string): string {
  return `${deviceName}\\${pictureName}`;
}
