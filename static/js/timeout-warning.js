// The NHS.UK timeout warning: a modal dialog a couple of minutes before the idle sign-out,
// with "Stay signed in" (pings the keep-alive endpoint, which renews the session) and
// "Sign out". Focus moves into the dialog and back out; Escape closes it and keeps the GP
// signed in; the time left is announced once to screen readers. Without JavaScript the
// dialog never opens, and nothing is lost: every answer is already stored with its check,
// and signing in again returns to the page that was open.

const dialog = document.querySelector('[data-module="app-timeout-warning"]')
// Every tab shares one session, so tabs tell each other when it was last renewed.
const RENEWED_KEY = 'fusion-triage-session-renewed'

function shared (read, value) {
  try {
    if (read) return Number(window.localStorage.getItem(RENEWED_KEY)) || 0
    window.localStorage.setItem(RENEWED_KEY, String(value))
  } catch (error) {
    // Storage turned off: each tab keeps its own timer.
  }
  return 0
}

function describe (milliseconds) {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000))
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

if (dialog && typeof dialog.showModal === 'function') {
  const idle = Number(dialog.dataset.idleSeconds) * 1000
  const warning = Number(dialog.dataset.warningSeconds) * 1000
  const form = dialog.querySelector('form')
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const announce = dialog.querySelector('[data-timeout-announce]')
  const stayButton = dialog.querySelector('[data-timeout-stay]')
  let lastRenewed = Date.now()
  shared(false, lastRenewed)
  let opener = null
  let timer = null
  let ticker = null

  const remaining = () => idle - (Date.now() - Math.max(lastRenewed, shared(true)))

  const expire = () => {
    if (remaining() > warning) return renewedElsewhere()
    window.clearInterval(ticker)
    // A fresh GET of this page: the server sends it to sign-in, which comes back here.
    window.location.assign(window.location.href)
  }

  const update = () => {
    const left = remaining()
    countdown.textContent = describe(left)
    if (left <= 0) expire()
  }

  const open = () => {
    if (remaining() > warning + 1000) return schedule() // used in another tab meanwhile
    opener = document.activeElement
    update()
    dialog.showModal()
    stayButton.focus()
    announce.textContent =
      `You will be signed out in ${describe(remaining())}. ` +
      'Select Stay signed in to continue. Your answers are saved.'
    ticker = window.setInterval(update, 1000)
  }

  const schedule = () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(open, Math.max(remaining() - warning, 0))
  }

  const close = () => {
    window.clearInterval(ticker)
    announce.textContent = ''
    if (dialog.open) dialog.close()
    if (opener && typeof opener.focus === 'function') opener.focus()
  }

  const stay = async () => {
    try {
      const response = await window.fetch(form.action, {
        method: 'POST',
        body: new window.FormData(form),
        credentials: 'same-origin'
      })
      if (response.status !== 204) return expire()
    } catch (error) {
      return expire()
    }
    lastRenewed = Date.now()
    shared(false, lastRenewed)
    close()
    schedule()
  }

  function renewedElsewhere () {
    if (dialog.open) close()
    schedule()
  }

  form.addEventListener('submit', (event) => {
    // "Sign out" posts to the sign-out address as an ordinary form.
    if (event.submitter && event.submitter.hasAttribute('formaction')) return
    event.preventDefault()
    stay()
  })
  dialog.addEventListener('cancel', (event) => {
    // Escape: close the dialog and stay signed in, as the NHS.UK pattern does.
    event.preventDefault()
    stay()
  })
  window.addEventListener('storage', (event) => {
    if (event.key === RENEWED_KEY) renewedElsewhere()
  })
  schedule()
}
