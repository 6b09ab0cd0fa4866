/** For text (shop names, reasons, ids) that goes into email HTML: nothing in it becomes markup. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
