// The page's second-call and transfer controls: the call-waiting banner, the list of both calls with Switch, and
// the transfer panel (blind, or consult then complete / cancel). Rendered from the Softphone's state like the rest.
import { CallState } from './call-line.js';
import { TransferPhase } from './transfer.js';

const $ = (id) => document.getElementById(id);

const LINE_STATE_TEXT = {
  [CallState.Outgoing]: 'Calling…',
  [CallState.Incoming]: 'Ringing',
  [CallState.Connecting]: 'Connecting…',
  [CallState.InCall]: 'In call',
};

export class CallLinesView {
  constructor(currentPhone) {
    this.phone = currentPhone;
    this.ui = {
      waiting: $('waiting'),
      waitingFrom: $('waiting-from'),
      waitingAnswer: $('waiting-answer-button'),
      waitingDecline: $('waiting-decline-button'),
      lines: $('lines'),
      lineList: $('line-list'),
      switchButton: $('switch-button'),
      transferButton: $('transfer-button'),
      transfer: $('transfer'),
      transferTarget: $('transfer-target'),
      transferStatus: $('transfer-status'),
      blind: $('transfer-blind-button'),
      consult: $('transfer-consult-button'),
      complete: $('transfer-complete-button'),
      cancel: $('transfer-cancel-button'),
    };
    this.transferOpen = false;
    const { ui } = this;
    ui.waitingAnswer.addEventListener('click', () => this.phone()?.answerWaiting());
    ui.waitingDecline.addEventListener('click', () => this.phone()?.declineWaiting());
    ui.switchButton.addEventListener('click', () => this.phone()?.switchLine());
    ui.transferButton.addEventListener('click', () => {
      this.transferOpen = !this.transferOpen;
      this.phone()?.onChange();
      if (this.transferOpen) ui.transferTarget.focus();
    });
    ui.blind.addEventListener('click', () => this.phone()?.transfer.blind(ui.transferTarget.value));
    ui.consult.addEventListener('click', () => this.phone()?.transfer.consult(ui.transferTarget.value));
    ui.complete.addEventListener('click', () => this.phone()?.transfer.complete());
    ui.cancel.addEventListener('click', () => this.phone()?.transfer.cancel());
    ui.transferTarget.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.phone()?.transfer.blind(ui.transferTarget.value);
      }
    });
  }

  focusWaitingAnswer() {
    this.ui.waitingAnswer.focus();
  }

  render() {
    const { ui } = this;
    const phone = this.phone();
    const waiting = phone?.waitingLine ?? null;
    ui.waiting.hidden = waiting === null;
    ui.waitingFrom.textContent = waiting?.partyLabel() ?? '';

    const lines = phone?.lines ?? [];
    ui.lines.hidden = lines.length < 2;
    ui.lineList.replaceChildren(...lines.map((line) => {
      const item = document.createElement('li');
      item.dataset.lineState = line.state;
      item.dataset.held = String(line.held);
      item.dataset.remoteHeld = String(line.remoteHeld);
      if (line === phone.line) item.setAttribute('aria-current', 'true');
      const party = document.createElement('span');
      party.className = 'line-party';
      party.textContent = line.partyLabel();
      const state = document.createElement('span');
      state.className = 'line-state';
      state.textContent = (line.answered ? line.holdText() : null) ?? LINE_STATE_TEXT[line.state] ?? '';
      item.append(party, state);
      return item;
    }));
    const other = phone?.otherLine ?? null;
    ui.switchButton.disabled = !(other?.answered && phone.line?.answered);

    const transfer = phone?.transfer;
    const phase = transfer?.phase ?? TransferPhase.Idle;
    const inCall = phone?.callState === CallState.InCall;
    const canStart = phase === TransferPhase.Idle && inCall && other === null;
    if (phase === TransferPhase.Idle && !canStart) this.transferOpen = false;
    const open = this.transferOpen || phase !== TransferPhase.Idle;
    ui.transferButton.disabled = !canStart && phase === TransferPhase.Idle;
    ui.transferButton.setAttribute('aria-expanded', String(open));
    ui.transfer.hidden = !open;
    ui.transferTarget.disabled = phase !== TransferPhase.Idle;
    ui.blind.disabled = !canStart;
    ui.consult.disabled = !canStart;
    ui.complete.disabled = !(phase === TransferPhase.Consulting && transfer.consultation?.answered);
    ui.cancel.disabled = phase !== TransferPhase.Consulting;
    ui.transferStatus.textContent = transferStatusText(transfer);
    ui.transferStatus.dataset.phase = phase;
  }
}

function transferStatusText(transfer) {
  switch (transfer?.phase) {
    case TransferPhase.Blind: return `Transferring to ${transfer.target}…`;
    case TransferPhase.Consulting:
      return transfer.consultation?.answered
        ? `Talking to ${transfer.target}; the caller is on hold.`
        : `Calling ${transfer.target}; the caller is on hold.`;
    case TransferPhase.Completing: return `Completing the transfer to ${transfer.target}…`;
    default: return '';
  }
}
