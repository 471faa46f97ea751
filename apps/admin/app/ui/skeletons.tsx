// Placeholders shown while a widget waits for its first data (Suspense fallbacks and first frame).

export function TilesSkeleton() {
  return (
    <div className="grid-tiles" aria-busy="true">
      {Array.from({ length: 8 }, (_, i) => (
        <div className="tile" key={i}>
          <div className="skeleton line" style={{ width: '50%' }} />
          <div className="skeleton line" style={{ height: 24 }} />
        </div>
      ))}
    </div>
  );
}

export function ChartsSkeleton() {
  return (
    <div className="grid-charts" aria-busy="true">
      {Array.from({ length: 4 }, (_, i) => (
        <div className="panel" key={i}>
          <div className="skeleton line" style={{ width: '40%' }} />
          <div className="skeleton block" />
        </div>
      ))}
    </div>
  );
}

export function TableSkeleton({ rows = 8 }: { rows?: number }) {
  return (
    <div className="panel" aria-busy="true">
      {Array.from({ length: rows }, (_, i) => (
        <div className="skeleton line" key={i} />
      ))}
    </div>
  );
}

export function PanelSkeleton() {
  return (
    <div className="panel" aria-busy="true">
      <div className="skeleton line" style={{ width: '30%' }} />
      <div className="skeleton line" />
      <div className="skeleton line" />
    </div>
  );
}
