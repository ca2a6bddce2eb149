import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A scalar against a scan variable, one point per shot (uPlot: draws thousands of points per
 * frame). The data is replaced as shots arrive; the chart is made once per axis choice.
 */
export function ScanPlot({ x, y, points }: { x: string; y: string; points: [number[], number[]] }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const latest = useRef(points);
  latest.current = points;

  useEffect(() => {
    if (!element.current) return;
    const plot = new uPlot(
      {
        width: 560,
        height: 300,
        scales: { x: { time: false } },
        axes: [{ label: x }, { label: y }],
        series: [
          { label: x },
          {
            label: y,
            stroke: '#2a6fdb',
            width: 0,
            paths: () => null,
            points: { show: true, size: 7, fill: '#2a6fdb' },
          },
        ],
        legend: { show: true },
      },
      latest.current,
      element.current,
    );
    chart.current = plot;
    return () => {
      plot.destroy();
      chart.current = undefined;
    };
  }, [x, y]);

  useEffect(() => {
    chart.current?.setData(points);
  }, [points]);

  return (
    <div
      ref={element}
      className="scan-plot"
      data-testid="scan-plot"
      data-points={points[0].length}
    />
  );
}
