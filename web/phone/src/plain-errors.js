// JsSIP reports failures as causes and SIP responses; agents need one sentence they can act on.
import JsSIP from 'jssip';

const causes = JsSIP.C.causes;

export function registrationErrorText(cause, response) {
  const status = response?.status_code;
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

// "486 Busy Here" when there is a SIP response, otherwise JsSIP's cause in words.
function describeResponse(response, cause) {
  if (response && typeof response.status_code === 'number') {
    return `${response.status_code} ${response.reason_phrase ?? ''}`.trim();
  }
  return String(cause ?? 'unknown reason').toLowerCase();
}
