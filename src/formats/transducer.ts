/**
 * Stateful, synchronous stream steps (SSE parsing, stream decoders and encoders): a plain
 * `step` per input and a `flush` at end of input. The server's hot path calls them per
 * chunk directly; `toStream` offers the same function as an Effect Stream transform.
 */
import { Chunk, Stream } from "effect"

/** A stateful step function with an end-of-input flush. @category models */
export interface Transducer<I, O> {
  /** Consumes one input, returns the outputs it produces now. */
  readonly step: (input: I) => ReadonlyArray<O>
  /** Signals end of input, returns the final outputs; later calls return nothing. */
  readonly flush: () => ReadonlyArray<O>
}

/** Runs `first` then feeds its outputs to `second`. @category combinators */
export const compose = <A, B, C>(first: Transducer<A, B>, second: Transducer<B, C>): Transducer<A, C> => {
  const feed = (bs: ReadonlyArray<B>): Array<C> => {
    const out: Array<C> = []
    for (const b of bs) for (const c of second.step(b)) out.push(c)
    return out
  }
  return {
    step: (a) => feed(first.step(a)),
    flush: () => {
      const out = feed(first.flush())
      for (const c of second.flush()) out.push(c)
      return out
    }
  }
}

/** Feeds every input then flushes: the whole output of a finite input. @category combinators */
export const runAll = <I, O>(t: Transducer<I, O>, inputs: Iterable<I>): Array<O> => {
  const out: Array<O> = []
  for (const i of inputs) for (const o of t.step(i)) out.push(o)
  for (const o of t.flush()) out.push(o)
  return out
}

/**
 * The transducer as a Stream transform: fresh state per run (`Stream.suspend`),
 * `mapChunks` over `step`, then the `flush` outputs once the input ends.
 * @category streams
 */
export const toStream = <I, O>(make: () => Transducer<I, O>) =>
<E, R>(self: Stream.Stream<I, E, R>): Stream.Stream<O, E, R> =>
  Stream.suspend(() => {
    const t = make()
    return Stream.concat(
      Stream.mapChunks(self, (chunk) => {
        const out: Array<O> = []
        for (const i of chunk) for (const o of t.step(i)) out.push(o)
        return Chunk.unsafeFromArray(out)
      }),
      Stream.suspend(() => Stream.fromIterable(t.flush()))
    )
  })
