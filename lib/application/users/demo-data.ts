// Realistic, deterministic user histories for demos and benchmarks: the same seed gives the same
// users, names, emails and times. Every event comes from the domain's own decide, so the histories
// obey the rules like any real one.
import { decide, evolve, initialUserState, type UserCommand, type UserEvent, type UserState } from "../../domain/users";

export interface DemoOptions {
  users: number;
  months: number;
  seed: number;
  /** The end of the generated period: histories lie between now - months and now. */
  now: Date;
}

export interface DemoUserHistory {
  userId: string;
  events: { event: UserEvent; recordedAt: Date }[];
  finalState: UserState;
}

/** mulberry32: small, fast, good enough to make demo data, and the same on every machine. */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const firstNames = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Margaret",
  "Linus",
  "Katherine",
  "Dennis",
  "Frances",
  "Ken",
  "Radia",
  "Tim",
  "Hedy",
  "John",
  "Sophie",
  "Guido",
  "Anita",
  "Bjarne",
  "Shafi",
  "Niklaus",
  "Lynn",
  "Leslie",
  "Amara",
  "Mateo",
  "Yuki",
  "Priya",
  "Olu",
  "Ingrid",
  "Kofi",
  "Mei",
  "Rafael",
  "Zara",
  "Tomás",
  "Aisha",
  "Lukas",
  "Noor",
  "Hiro",
  "Elena",
  "Samir",
  "Freya",
  "Kwame",
  "Lucía",
  "Arjun",
  "Chloé",
  "Dmitri",
  "Ana",
];
const lastNames = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Hamilton",
  "Torvalds",
  "Johnson",
  "Ritchie",
  "Allen",
  "Thompson",
  "Perlman",
  "Berners-Lee",
  "Lamarr",
  "McCarthy",
  "Wilson",
  "van Rossum",
  "Borg",
  "Stroustrup",
  "Goldwasser",
  "Wirth",
  "Conway",
  "Lamport",
  "Okafor",
  "García",
  "Tanaka",
  "Sharma",
  "Adeyemi",
  "Larsen",
  "Mensah",
  "Chen",
  "Silva",
  "Haddad",
  "Novak",
  "Müller",
  "Rahman",
  "Sato",
  "Petrova",
  "Nakamura",
  "Kowalski",
  "O'Brien",
  "Dubois",
  "Rossi",
];
const domains = ["example.com", "mail.example.org", "corp.example.net", "example.io", "post.example.co.uk"];
const deactivationReasons: [string, "requested" | "policy" | "inactivity" | "other"][] = [
  ["Left the company", "other"],
  ["Requested by the user", "requested"],
  ["Suspicious activity", "policy"],
  ["Duplicate account", "policy"],
  ["No sign-in for a year", "inactivity"],
];
export const demoPasswords = ["rewind-demo-1", "rewind-demo-2", "rewind-demo-3", "rewind-demo-4"];

const slug = (text: string) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(random() * 4)]!;
  const joined = hex.join("");
  return `${joined.slice(0, 8)}-${joined.slice(8, 12)}-${joined.slice(12, 16)}-${joined.slice(16, 20)}-${joined.slice(20)}`;
}

const day = 24 * 60 * 60 * 1000;

/** Histories one user at a time, so that 100,000 users never sit in memory at once. */
export function* generateDemoHistories(options: DemoOptions, passwordHashes: string[]): Generator<DemoUserHistory> {
  const random = randomGenerator(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const end = options.now.getTime();
  const start = end - options.months * 30.44 * day;

  for (let index = 0; index < options.users; index++) {
    const userId = uuidFrom(random);
    const first = pick(firstNames);
    let last = pick(lastNames);
    const tag = `${options.seed}-${index}`;
    const emailFor = (name: string, domain: string) => `${slug(first)}.${slug(name)}.${tag}@${domain}`;

    // Registration anywhere in the period; changes spread between it and now.
    let time = start + random() * (end - start - day);
    const commands: { command: UserCommand; at: number }[] = [];
    const passwordHash = passwordHashes[index % passwordHashes.length]!;
    commands.push({
      command: {
        type: "RegisterUser",
        userId,
        name: `${first} ${last}`,
        email: emailFor(last, pick(domains)),
        password: demoPasswords[index % demoPasswords.length]!,
        passwordHash,
      },
      at: time,
    });
    // About nine changes a user on average, a few users with many more.
    const changes =
      Math.floor(random() * 7) +
      Math.floor(random() * 7) +
      Math.floor(random() * 5) +
      (random() < 0.3 ? Math.floor(random() * 8) : 0);
    let deactivated = false;
    for (let change = 0; change < changes; change++) {
      time += random() * ((end - time) / (changes - change + 1)) * 2;
      if (time >= end) break;
      const roll = random();
      let command: UserCommand;
      if (deactivated) {
        command = { type: "ReactivateUser", userId };
        deactivated = false;
      } else if (roll < 0.4) {
        last = pick(lastNames);
        const name = random() < 0.2 ? `${first} ${last.toUpperCase()[0]}. ${pick(lastNames)}` : `${first} ${last}`;
        command = { type: "RenameUser", userId, name };
      } else if (roll < 0.65) {
        command = { type: "ChangeEmail", userId, email: emailFor(last, pick(domains)) };
      } else if (roll < 0.85) {
        command = {
          type: "ChangePassword",
          userId,
          password: demoPasswords[(index + change) % demoPasswords.length]!,
          passwordHash: passwordHashes[(index + change) % passwordHashes.length]!,
        };
      } else {
        const [reason, category] = pick(deactivationReasons);
        command = { type: "DeactivateUser", userId, reason, category };
        deactivated = true;
      }
      commands.push({ command, at: time });
    }

    let state: UserState = initialUserState;
    const events: DemoUserHistory["events"] = [];
    for (const { command, at } of commands) {
      for (const event of decide(command, state)) {
        const recordedAt = new Date(Math.floor(at));
        events.push({ event, recordedAt });
        state = evolve(state, { ...event, version: events.length, recordedAt: recordedAt.toISOString() });
      }
    }
    yield { userId, events, finalState: state };
  }
}
