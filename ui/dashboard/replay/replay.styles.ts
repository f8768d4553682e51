// The replay page's own styles (plain CSS text: the page is light DOM, beside rrweb's sheet).
export const replayStyle = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#111827;background:#f6f7f9}
parley-replay{display:block;height:100%}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap;border:0}
.note{margin:0;padding:48px 24px;text-align:center;color:#4b5563}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 280px;height:100%}
.player{display:grid;grid-template-rows:minmax(0,1fr) auto;min-width:0;min-height:0}
.stage{position:relative;overflow:hidden;background:#e5e7eb}
.stage .replayer-wrapper{position:absolute;top:0;left:0;transform-origin:0 0;box-shadow:0 1px 4px rgba(0,0,0,.15);background:#fff}
.stage iframe{border:0;display:block}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:10px 14px;padding:10px 14px;background:#fff;border-top:1px solid #e5e7eb}
.btn{display:inline-flex;align-items:center;justify-content:center;border:1px solid #d1d5db;background:#fff;border-radius:8px;cursor:pointer;color:#111827}
.btn.icon{width:34px;height:34px}
.btn svg{width:16px;height:16px}
.btn:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible{outline:2px solid #4f46e5;outline-offset:2px}
.time{font-variant-numeric:tabular-nums;color:#374151;min-width:84px}
.timeline{position:relative;flex:1 1 240px;height:28px;display:flex;align-items:center}
.timeline input{width:100%;margin:0;accent-color:#4f46e5}
.mark{position:absolute;top:50%;transform:translate(-50%,-50%);pointer-events:auto}
.mark.page{width:2px;height:16px;background:#9ca3af;pointer-events:none}
.mark.message{width:24px;height:24px;border:0;padding:0;cursor:pointer;background:none;border-radius:50%;display:grid;place-items:center;color:#4f46e5}
.mark.message.visitor{color:#059669}
.mark.message::before{content:'';width:12px;height:12px;border-radius:50%;border:2px solid #fff;box-shadow:0 0 0 1px rgba(0,0,0,.2);background:currentColor;box-sizing:border-box}
.field{display:inline-flex;align-items:center;gap:6px;color:#374151}
.field select{font:inherit;padding:4px 6px;border:1px solid #d1d5db;border-radius:6px;background:#fff}
.live-badge{display:inline-flex;align-items:center;gap:6px;font-weight:600;color:#b91c1c}
.live-badge::before{content:'';width:8px;height:8px;border-radius:50%;background:#dc2626;animation:pulse 1.5s infinite}
@keyframes pulse{50%{opacity:.3}}
@media (prefers-reduced-motion:reduce){.live-badge::before{animation:none}}
.hint{color:#6b7280;font-size:13px;margin:0}
aside{border-left:1px solid #e5e7eb;background:#fff;overflow:auto;padding:14px}
aside h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#6b7280;margin:0 0 10px}
aside ol{list-style:none;margin:0;padding:0;display:grid;gap:8px}
aside li button{display:grid;gap:2px;width:100%;text-align:left;font:inherit;color:inherit;padding:8px 10px;border-radius:10px;border:1px solid #e5e7eb;background:#f9fafb;cursor:pointer}
aside li.visitor button{background:#ecfdf5;border-color:#a7f3d0}
aside li.agent button{background:#eef2ff;border-color:#c7d2fe}
aside li.later button{background:#fff;border-style:dashed}
aside li.later .body{color:#4b5563}
aside .meta{font-size:12px;color:#4b5563}
aside .body{overflow-wrap:anywhere;white-space:pre-wrap}
@media (max-width:760px){.layout{grid-template-columns:1fr;grid-template-rows:minmax(0,1fr) 200px}aside{border-left:0;border-top:1px solid #e5e7eb}}
`
