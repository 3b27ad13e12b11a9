// JsSIP reports failures as causes and SIP responses; agents need one sentence they can act on.
import JsSIP from 'jssip';

const causes = JsSIP.C.causes;

// The reason phrases PbxBridge puts on a 503 when a limit is reached (src/PbxBridge.Sip/Message/LimitReasonPhrases.cs).
const TOO_MANY_REGISTRATIONS = 'Too Many Registrations';
const TOO_MANY_CALLS_FOR_AGENT = 'Too Many Calls For This Agent';
const TOO_MANY_CALLS = 'Too Many Calls';
const TOO_MANY_MESSAGES = 'Too Many Messages';
const NO_MEDIA_PORTS = 'No Media Ports Free';
const OVERLOADED = 'Server Overloaded';

export function registrationErrorText(cause, response) {
  const status = response?.status_code;
  if (status === 429) {
    return `Too many failed sign-ins from your network. ${retryText(response)} Check the agent id and password first.`;
  }
  if (status === 503) {
    if (response.reason_phrase === TOO_MANY_REGISTRATIONS) {
      return 'You are signed in from too many tabs or devices. Close one of them, then sign in again.';
    }
    return `The server cannot sign you in right now (${describeResponse(response, cause)}). ${retryText(response)}`;
  }
  if (cause === causes.AUTHENTICATION_ERROR || status === 401 || status === 407 || status === 403 ||
      cause === causes.REJECTED) {
    return 'Wrong agent id or password. Check them and sign in again.';
  }
  if (cause === causes.CONNECTION_ERROR || cause === causes.REQUEST_TIMEOUT) {
    return 'The server did not answer the sign-in. Check your network and try again.';
  }
  return `Sign-in failed: ${describeResponse(response, cause)}.`;
}

export function serverUnreachableText(url) {
  return `Cannot reach the server at ${url}. Check the server address and your network, then sign in again.`;
}

export function microphoneErrorText(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access is blocked. Allow the microphone for this page in the browser, then reload.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Plug in a headset and reload the page.';
    case 'NotReadableError':
      return 'The microphone is in use by another program or could not be opened.';
    default:
      return `The microphone could not be opened${error?.message ? ` (${error.message})` : ''}.`;
  }
}

export function callFailedText(cause, response) {
  const reason = describeResponse(response, cause);
  if (response?.status_code === 503) {
    switch (response.reason_phrase) {
      case TOO_MANY_CALLS_FOR_AGENT:
        return `You already have as many calls as you may (${reason}). Hang up one, then call again.`;
      case TOO_MANY_CALLS:
        return `The server is carrying as many calls as it may (${reason}). ${retryText(response)}`;
      case TOO_MANY_MESSAGES:
        return `Your phone sent too much at once (${reason}). ${retryText(response)}`;
      case NO_MEDIA_PORTS:
        return `The server has no room for the audio of another call (${reason}). ${retryText(response)}`;
      case OVERLOADED:
        return `The server is short of processing power and keeps it for the calls already up (${reason}). ${retryText(response)}`;
      default:
        return `The server cannot take the call right now (${reason}). ${retryText(response)}`;
    }
  }
  switch (cause) {
    case causes.BUSY:
      return `The number is busy (${reason}).`;
    case causes.REJECTED:
      return `The call was rejected (${reason}).`;
    case causes.NOT_FOUND:
      return `That number does not exist (${reason}).`;
    case causes.UNAVAILABLE:
      return `The number is not available right now (${reason}).`;
    case causes.NO_ANSWER:
      return 'Nobody answered.';
    case causes.USER_DENIED_MEDIA_ACCESS:
      return microphoneErrorText({ name: 'NotAllowedError' });
    case causes.CONNECTION_ERROR:
    case causes.REQUEST_TIMEOUT:
      return 'The call was lost because the server connection dropped.';
    case causes.AUTHENTICATION_ERROR:
      return `The server refused the call (${reason}). Sign out and in again.`;
    case causes.CANCELED:
      return 'The call was cancelled.';
    default:
      return `The call failed (${reason}).`;
  }
}

// "Try again in 30 seconds." from Retry-After (RFC 3261 §20.33: delta-seconds, maybe a comment after them).
function retryText(response) {
  const header = typeof response?.getHeader === 'function' ? response.getHeader('Retry-After') : undefined;
  const seconds = Number.parseInt(header ?? '', 10);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    return 'Try again in a little while.';
  }
  if (seconds < 120) {
    return `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  }
  return `Try again in ${Math.round(seconds / 60)} minutes.`;
}

// "486 Busy Here" when there is a SIP response, otherwise JsSIP's cause in words.
function describeResponse(response, cause) {
  if (response && typeof response.status_code === 'number') {
    return `${response.status_code} ${response.reason_phrase ?? ''}`.trim();
  }
  return String(cause ?? 'unknown reason').toLowerCase();
}
