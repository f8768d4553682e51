// The benchmarks' heavy page: /demo with 1,000 extra rows of 4 cells (about 9,000 nodes) and 50
// text mutations every 100 ms, put in by an init script before the page's own scripts run.
// recordings.ts measures the recorder's total blocking time on it; profile-snapshot.ts profiles
// the recorder's full snapshot of it.
export const HEAVY = `document.addEventListener('DOMContentLoaded', () => {
  const box = document.createElement('div'); box.id = 'heavy'
  for (let i = 0; i < 1000; i++) { const row = document.createElement('div'); for (let j = 0; j < 4; j++) { const c = document.createElement('span'); c.textContent = 'cell ' + i + '.' + j; row.appendChild(c) } box.appendChild(row) }
  document.querySelector('main').appendChild(box)
  setInterval(() => { for (let k = 0; k < 50; k++) { const c = box.children[Math.floor(Math.random() * 1000)].children[k % 4]; c.textContent = 'cell ' + Math.random().toString(36).slice(2, 8) } }, 100)
})`
