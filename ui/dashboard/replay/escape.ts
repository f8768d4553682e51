// The message the replay page (its own frame, replay-page.ts) sends the dashboard when Escape is
// pressed in it: keys do not leave a frame, so the dialog around it would not see the Escape.
// Its own module, so the dashboard does not import the replay bundle to read it.
export const REPLAY_ESCAPE = 'parley-replay-escape'
