/** The header: title, playback, speed, clock, leader, view toggles. */
import { HistorySlider } from './HistorySlider';
import { LeaderSummary } from './LeaderSummary';
import { PlaybackControls } from './PlaybackControls';
import { SafetyBadge } from './SafetyBadge';
import { ShareMenu } from './ShareMenu';
import { SpeedControl } from './SpeedControl';
import { ViewToggles } from './ViewToggles';
import { VirtualClock } from './VirtualClock';

export function TopBar() {
  return (
    <header className="topbar">
      <h1 className="brand">
        Raft <span>Lab</span>
      </h1>
      <PlaybackControls />
      <SpeedControl />
      <VirtualClock />
      <HistorySlider />
      <LeaderSummary />
      <SafetyBadge />
      <ViewToggles />
      <ShareMenu />
    </header>
  );
}
