'use client';
// Sidebar (a top bar on narrow screens) with the current page marked.

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { logout } from '../../lib/auth-actions';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/keys', label: 'Keyspace' },
  { href: '/events', label: 'Events' },
  { href: '/rate-limits', label: 'Rate limits' },
  { href: '/sessions', label: 'Sessions' },
  { href: '/persistence', label: 'Persistence' },
  { href: '/config', label: 'Config' },
];

export function SideNav() {
  const pathname = usePathname();
  return (
    <nav className="sidenav" aria-label="Main">
      <div className="brand">Mnemo</div>
      {LINKS.map((link) => {
        const current = link.href === '/' ? pathname === '/' : pathname.startsWith(link.href);
        return (
          <Link key={link.href} href={link.href} aria-current={current ? 'page' : undefined}>
            {link.label}
          </Link>
        );
      })}
      <div className="spacer" />
      <form action={logout}>
        <button type="submit">Sign out</button>
      </form>
    </nav>
  );
}
