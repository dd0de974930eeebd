/**
 * The translated text a page's JavaScript shows, read from the data-messages attribute the
 * server renders (every js.* key of messages*.properties for the request's language).
 *
 * @param {HTMLElement} element the element carrying data-messages
 * @returns {{t: (key: string, params?: object) => string, duration: (ms: number) => string, has: (key: string) => boolean}}
 */
export function messagesOf(element) {
  const messages = JSON.parse(element.dataset.messages);

  /** The text for key, with {name} placeholders filled in. Shown with textContent only. */
  function t(key, params = {}) {
    const template = messages[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (placeholder, name) => (name in params ? String(params[name]) : placeholder));
  }

  /** Whole seconds (or tenths) as seconds, anything else as milliseconds. */
  function duration(ms) {
    return ms >= 1000 && ms % 100 === 0 ? t('unit.s', { value: ms / 1000 }) : t('unit.ms', { value: ms });
  }

  return { t, duration, has: (key) => key in messages };
}
