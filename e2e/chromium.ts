// Debian's chromium, as the browser tests and the UI benchmark launch it: Playwright's own browser
// download cannot work on these machines, and without the background-networking flags chromium
// keeps reaching for hosts it cannot reach.
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};
