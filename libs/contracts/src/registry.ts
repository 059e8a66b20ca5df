import type { ClassConstructor } from 'class-transformer';
import type { EventEnvelope } from './envelope';
import type { TopicName } from './topics';

/** Read models that consume events; used by the catalogue docs and by projections to declare interest. */
export type ReadModelName = 'history' | 'activity' | 'reports' | 'event-log';

/** Turns the payload of version `from` into the payload of version `from + 1`. Pure. */
export type Upcaster = (data: any) => any;

export interface EventDefinition<TType extends string = string, TPayload extends object = object> {
  /** Event type, `<entity>.<fact>` in kebab-case, e.g. `credential.offered`. */
  readonly type: TType;
  /** Current payload version; producers always emit this version. */
  readonly version: number;
  readonly topic: TopicName;
  /** class-validator class describing the current payload version. */
  readonly payload: ClassConstructor<TPayload>;
  /** Aggregate id = envelope subject = partition key. */
  readonly key: (data: TPayload) => string;
  readonly description: string;
  readonly usedBy: readonly ReadModelName[];
  /** `upcasters[n]` turns a version-n payload into version n+1. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
  /**
   * class-validator classes of older payload versions (`previousPayloads[n]` = version n), kept so that the
   * published JSON Schema of every version can be regenerated. Messages of those versions are upcast, never
   * validated against these classes.
   */
  readonly previousPayloads?: Readonly<Record<number, ClassConstructor<object>>>;
}

export function defineEvent<TType extends string, TPayload extends object>(
  def: EventDefinition<TType, TPayload>,
): EventDefinition<TType, TPayload> {
  return Object.freeze(def);
}

export type EventOf<D> = D extends EventDefinition<infer T, infer P> ? EventEnvelope<T, P> : never;
export type PayloadOf<D> = D extends EventDefinition<string, infer P> ? P : never;

/** Lookup by type over a list of definitions. */
export class EventRegistry {
  private readonly byType = new Map<string, EventDefinition<string, object>>();

  constructor(definitions: readonly EventDefinition<string, any>[]) {
    for (const d of definitions) {
      if (this.byType.has(d.type)) throw new Error(`duplicate event type ${d.type}`);
      this.byType.set(d.type, d);
    }
  }

  get(type: string): EventDefinition<string, object> | undefined {
    return this.byType.get(type);
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  all(): EventDefinition<string, object>[] {
    return [...this.byType.values()];
  }

  forTopic(topic: string): EventDefinition<string, object>[] {
    return this.all().filter((d) => d.topic === topic);
  }
}
