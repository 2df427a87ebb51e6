/**
 * Small inline icons drawn as SVG, in the text's colour and size. Characters
 * such as ▶ ⚠ ℹ have emoji presentations that some fonts (Chromebooks,
 * phones) draw as colour pictures; shapes look the same everywhere. Every
 * icon is decorative: the text beside it says what it means.
 */
const PATHS = {
  play: 'M4 2.5v11l9-5.5z',
  pause: 'M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z',
  step: 'M3 2.5v11l7-5.5zM11 2.5h2.2v11H11z',
  warning: 'M8 1.5l7 12.5H1zM7.1 6v4.2h1.8V6zM7.1 11.2v1.7h1.8v-1.7z',
  info: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zM7.1 4h1.8v1.8H7.1zM7.1 7h1.8v5H7.1z',
  check: 'M2 8.5l1.5-1.5 3 3 6-6L14 5.5 6.5 13z',
  contrast: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 1.6v10.8a5.4 5.4 0 0 1 0-10.8z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className = '' }: { name: IconName; className?: string }) {
  return (
    <svg className={`icon ${className}`} viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="currentColor" fillRule="evenodd" />
    </svg>
  );
}
