/**
 * Server-sent events for the fakes: framing what they send, and a small parser tests use to
 * read it back (tolerant of CRLF, comments and multi-line data, as the SSE spec is).
 */

/** One `event:`/`data:` frame; without an event name it is a bare `data:` frame. @category constructors */
export const frame = (event: string | undefined, data: unknown, eol = "\n"): string =>
  (event === undefined ? "" : `event: ${event}${eol}`) +
  `data: ${typeof data === "string" ? data : JSON.stringify(data)}${eol}${eol}`

/** A parsed event: its name (if any) and its data text. @category models */
export interface SseEvent {
  readonly event: string | undefined
  readonly data: string
}

/** Parses a whole SSE body into events. @category parsing */
export const parse = (body: string): Array<SseEvent> => {
  const events: Array<SseEvent> = []
  for (const block of body.split(/\r\n\r\n|\n\n|\r\r/)) {
    let event: string | undefined
    const data: Array<string> = []
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line === "" || line.startsWith(":")) continue
      const colon = line.indexOf(":")
      const name = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "")
      if (name === "event") event = value
      else if (name === "data") data.push(value)
    }
    if (event !== undefined || data.length > 0) events.push({ event, data: data.join("\n") })
  }
  return events
}

/** The data of each event parsed as JSON (`[DONE]` and other non-JSON data kept as strings). @category parsing */
export const dataOf = (events: ReadonlyArray<SseEvent>): Array<unknown> =>
  events.map((e) => {
    try {
      return JSON.parse(e.data) as unknown
    } catch {
      return e.data
    }
  })
