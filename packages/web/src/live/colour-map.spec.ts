import { describe, expect, it } from 'vitest';
import { COLOUR_MAPS, paintPixels, typedValues, valueRange } from './colour-map.js';

describe('the colour map', () => {
  it('maps the range onto the map, clamping outside', () => {
    const lut = COLOUR_MAPS.grey;
    const pixels = paintPixels([0, 50, 100, 200, -5], lut, 0, 100);
    expect([...pixels.slice(0, 4)]).toEqual([0, 0, 0, 255]);
    expect(pixels[4]).toBe(127);
    expect([...pixels.slice(8, 12)]).toEqual([255, 255, 255, 255]);
    expect(pixels[12]).toBe(255);
    expect(pixels[16]).toBe(0);
  });

  it('starts and ends viridis at its anchors', () => {
    expect([...COLOUR_MAPS.viridis.slice(0, 3)]).toEqual([68, 1, 84]);
    expect([...COLOUR_MAPS.viridis.slice(255 * 3)]).toEqual([253, 231, 37]);
  });

  it('paints a flat picture with the first colour', () => {
    const pixels = paintPixels(new Uint16Array([7, 7]), COLOUR_MAPS.viridis, 7, 7);
    expect([...pixels.slice(0, 3)]).toEqual([68, 1, 84]);
  });

  it('reads the bytes of each dtype and finds the range', () => {
    const bytes = new Uint16Array([1, 65535, 300]).buffer;
    const values = typedValues('uint16', bytes);
    expect(valueRange(values)).toEqual({ min: 1, max: 65535 });
    expect(() => typedValues('int64', bytes)).toThrow(/int64/);
  });
});
