/**
 * The prompt's styles, inside its shadow root so the shop's CSS neither reaches it nor is reached.
 * Fixed in a corner and drawn over the page: nothing of the page moves (no layout shift). The
 * entrance moves by transform only (never counted as a shift), and not at all under reduced motion.
 */
export const STYLE = `:host{all:initial;position:fixed;right:16px;bottom:16px;z-index:2147483647;max-width:calc(100vw - 32px);width:360px;font:15px/1.4 system-ui,sans-serif;color:#1a1a1a}
.d{box-sizing:border-box;background:#fff;border:1px solid #888;border-radius:8px;box-shadow:0 4px 16px #0003;padding:16px;position:relative}
@media (prefers-reduced-motion:no-preference){.d{animation:in .2s ease-out}}
@keyframes in{from{opacity:0;transform:translateY(8px)}}
h2{font-size:17px;margin:0 32px 8px 0}p{margin:0 0 12px}
button,a,input,textarea{font:inherit}
.a{display:flex;flex-wrap:wrap;gap:8px}
.a button,.a a,.s{padding:6px 12px;border:1px solid #1a1a1a;border-radius:6px;background:#fff;color:#1a1a1a;cursor:pointer;text-decoration:none}
.x{position:absolute;top:8px;right:8px;border:0;background:none;font-size:20px;line-height:1;padding:4px 8px;cursor:pointer}
:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
fieldset{border:0;margin:0 0 12px;padding:0}legend{padding:0;margin-bottom:8px}
.r{display:flex;flex-wrap:wrap;gap:4px}.r label{display:flex;flex-direction:column;align-items:center;min-width:24px}
.e{display:flex;justify-content:space-between;font-size:13px;color:#444}
label.c{display:block;margin-bottom:12px}textarea,input[type=tel]{display:block;box-sizing:border-box;width:100%;margin-top:4px}
.v{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}`;
