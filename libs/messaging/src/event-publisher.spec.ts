import type { Kafka, Message, ProducerBatch, ProducerConfig, RecordMetadata } from 'kafkajs';
import { EventPublisher, IncompleteSendError, type PublishMessage } from './event-publisher';

/**
 * The publisher against a scripted kafkajs producer: the producer partitions through the partitioner the publisher
 * gave it (as kafkajs does), then answers as the script says. What the script reproduces is what kafkajs 2.2.x did on
 * the three-broker cluster when a leader was killed mid-send: it resolved without an acknowledgement for the
 * partitions whose leadership had moved to a broker that had already answered, and after a failed request it kept the
 * producer id with rolled-back sequence numbers.
 */
type Answer = (partitions: Map<string, number>) => RecordMetadata[] | Error;

function fakeKafka(answers: Answer[]) {
  const producers: { id: number; sends: number; disconnected: boolean }[] = [];
  const kafka = {
    producer(cfg: ProducerConfig) {
      const partitioner = cfg.createPartitioner!();
      const state = { id: producers.length + 1, sends: 0, disconnected: false };
      producers.push(state);
      return {
        connect: async () => undefined,
        disconnect: async () => {
          state.disconnected = true;
        },
        sendBatch: async (batch: ProducerBatch) => {
          state.sends++;
          const partitions = new Map<string, number>();
          for (const { topic, messages } of batch.topicMessages!)
            for (const message of messages as Message[]) {
              const partitionMetadata = [0, 1, 2, 3, 4, 5].map((partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
              const p = partitioner({ topic, partitionMetadata, message });
              partitions.set(`${topic}/${p}`, p);
            }
          const answer = answers.shift()!(partitions);
          if (answer instanceof Error) throw answer;
          return answer;
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

const all: Answer = (partitions) => [...partitions.keys()].map((k) => ({ topicName: k.split('/')[0], partition: Number(k.split('/')[1]), errorCode: 0 }));
/** Acknowledges every partition but the first one (in key order). */
const allButOne: Answer = (partitions) => all(new Map([...partitions].sort().slice(1)));

const messages: PublishMessage[] = Array.from({ length: 40 }, (_, i) => ({ topic: i % 2 ? 'cep.a' : 'cep.b', key: `key-${i}`, value: `v${i}`, headers: {} }));

describe('EventPublisher: a send resolves only when every partition was acknowledged', () => {
  it('rejects a send that kafkajs resolved without acknowledging every partition, and replaces the producer', async () => {
    const { kafka, producers } = fakeKafka([allButOne, all]);
    const publisher = new EventPublisher(kafka);
    const err = await publisher.send(messages).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncompleteSendError);
    expect((err as IncompleteSendError).unacknowledged).toHaveLength(1);
    expect(producers[0].disconnected).toBe(true);
    // The whole batch again, through a new producer (a new producer id: sequence numbers start afresh).
    await publisher.send(messages);
    expect(producers.map((p) => p.sends)).toEqual([1, 1]);
    expect(publisher.resets).toBe(1);
  });

  it('replaces the producer after a failed send, so the next batch never reuses rolled-back sequence numbers', async () => {
    const { kafka, producers } = fakeKafka([() => new Error('Closed connection'), all, all]);
    const publisher = new EventPublisher(kafka);
    await expect(publisher.send(messages)).rejects.toThrow('Closed connection');
    await publisher.send(messages);
    await publisher.send(messages.slice(0, 7));
    expect(producers.map((p) => ({ sends: p.sends, disconnected: p.disconnected }))).toEqual([
      { sends: 1, disconnected: true },
      { sends: 2, disconnected: false },
    ]);
  });

  it('keeps one producer while sends succeed', async () => {
    const { kafka, producers } = fakeKafka([all, all, all]);
    const publisher = new EventPublisher(kafka);
    await Promise.all([publisher.send(messages), publisher.send(messages.slice(3)), publisher.send(messages.slice(9))]);
    expect(producers).toHaveLength(1);
    expect(publisher.resets).toBe(0);
  });
});
