// 404 for any unknown route.
import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="login panel">
      <h1>Not found</h1>
      <p className="muted">There is no such page in the Mnemo admin.</p>
      <Link href="/">Back to the overview</Link>
    </main>
  );
}
