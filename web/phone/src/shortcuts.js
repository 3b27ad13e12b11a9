// Keyboard shortcuts that work wherever focus is: Alt+A answer, Alt+H hang up or reject, Alt+M mute.
// Alt keeps plain digits and letters free for the number field.
export function bindShortcuts(target, actions) {
  target.addEventListener('keydown', (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const action = { a: actions.answer, h: actions.hangUp, m: actions.mute }[event.key.toLowerCase()] ??
      { KeyA: actions.answer, KeyH: actions.hangUp, KeyM: actions.mute }[event.code];
    if (!action) return;
    event.preventDefault();
    action();
  });
}
