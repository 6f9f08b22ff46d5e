/**
 * Facts a blueprint reads from source text with patterns: CLI commands,
 * HTTP routes, environment variables, imported packages and data stores.
 *
 * @module
 */

import { delimitedBodies } from "./text-delimited.js";

/** A fact and the files it was found in. */
export interface Fact {
  /** What was found (`GET /orders/:id`, `DATABASE_URL`, `serve <port>`). */
  readonly value: string;
  readonly files: readonly string[];
}

/** The language of a source file, by extension, for the patterns that apply to it. */
export type SourceLanguage = "js" | "python" | "go" | "rust" | "jvm";

/** The language of a file, or undefined when no pattern applies. */
export function languageOf(file: string): SourceLanguage | undefined {
  if (/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(file) && !/\.d\.[cm]?ts$/.test(file)) return "js";
  if (file.endsWith(".py")) return "python";
  if (file.endsWith(".go")) return "go";
  if (file.endsWith(".rs")) return "rust";
  if (/\.(java|kt|scala)$/.test(file)) return "jvm";
  return undefined;
}

/** Whether a file is a test, a fixture or in a hidden folder, whose commands, routes and variables are not the line's own. */
export function isTestFile(file: string): boolean {
  return (
    /(^|\/)\./.test(file) ||
    /(^|\/)(test|tests|__tests__|spec|specs|e2e|fixtures|__fixtures__|testdata|__mocks__)\//.test(file) ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(file) ||
    /_test\.go$/.test(file) ||
    /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(file) ||
    /(^|\/)conftest\.py$/.test(file)
  );
}

const HTTP_METHODS = "get|post|put|patch|delete|del|head|options|all|route";
/** Receivers of `.get("/x")` calls that are HTTP clients or maps, not servers. */
const CLIENT_RECEIVERS =
  /^(axios|http|https|got|ky|fetch|request|req|res|response|superagent|supertest|client|\w*Client|\w*client|map|\w*Map|cache|\w*Cache|params|searchParams|headers|store|storage|localStorage|sessionStorage|url|URL|router\.query)$/;

function matches(
  text: string,
  pattern: RegExp,
  pick: (match: RegExpMatchArray) => string | undefined,
): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(pattern)) {
    const value = pick(match);
    if (value !== undefined && value !== "") out.push(value);
  }
  return out;
}

/** CLI commands declared in a source: commander/yargs `.command("name ...")` and `new Command("name")`, click/typer `@x.command("name")`, cobra `Use: "name"`. */
export function commandsIn(language: SourceLanguage, text: string): string[] {
  if (language === "js")
    return matches(text, /(?:\.command|\bnew Command)\(\s*(['"`])([^'"`\n]+)\1/g, (match) =>
      match[2]?.trim(),
    );
  if (language === "python")
    return matches(text, /@[\w.]*command\(\s*(?:name\s*=\s*)?(['"])([^'"\n]+)\1/g, (match) =>
      match[2]?.trim(),
    );
  if (language === "go") return matches(text, /\bUse:\s*"([^"\n]+)"/g, (match) => match[1]?.trim());
  return [];
}

/** HTTP routes served in a source, as `METHOD /path` (`ANY` when every method is served). */
export function routesIn(language: SourceLanguage, text: string): string[] {
  const method = (name: string) => {
    const upper = name.toUpperCase();
    return upper === "DEL"
      ? "DELETE"
      : upper === "ALL" || upper === "ROUTE" || upper === "API_ROUTE"
        ? "ANY"
        : upper;
  };
  if (language === "js")
    return matches(
      text,
      // A receiver starts where its name starts: tried from each character of a long name, it was quadratic.
      new RegExp(`(?<![\\w$.])([\\w$.]+)\\.(${HTTP_METHODS})\\(\\s*(['"\`])(\\/[^'"\`\\s]*)\\3`, "g"),
      (match) =>
        CLIENT_RECEIVERS.test(match[1] ?? "") ? undefined : `${method(match[2] ?? "")} ${match[4]}`,
    );
  if (language === "python")
    return matches(
      text,
      /@[\w.]+\.(get|post|put|patch|delete|head|options|route|api_route)\(\s*(['"])(\/[^'"]*)\2/g,
      (match) => `${method(match[1] ?? "")} ${match[3]}`,
    );
  if (language === "go")
    return [
      ...matches(text, /\bHandle(?:Func)?\(\s*"([^"]+)"/g, (match) => {
        const pattern = match[1] ?? "";
        return /^[A-Z]+ /.test(pattern) ? pattern : pattern.startsWith("/") ? `ANY ${pattern}` : undefined;
      }),
      ...matches(
        text,
        /\.(GET|POST|PUT|PATCH|DELETE|Get|Post|Put|Patch|Delete)\(\s*"(\/[^"]*)"/g,
        (match) => `${method(match[1] ?? "")} ${match[2]}`,
      ),
    ];
  if (language === "jvm")
    return matches(
      text,
      // One blank run before the quote: `\s*\{?\s*` split a long run both ways, quadratically.
      /@(Get|Post|Put|Patch|Delete|Request)Mapping\(\s*(?:(?:value|path)\s*=\s*)?(?:\{\s*)?"(\/[^"]*)"/g,
      (match) => `${match[1] === "Request" ? "ANY" : method(match[1] ?? "")} ${match[2]}`,
    );
  return [];
}

/** Environment variables a source reads. */
export function envVarsIn(language: SourceLanguage, text: string): string[] {
  const name = (match: RegExpMatchArray) => match[1];
  if (language === "js")
    return [
      ...matches(text, /\bprocess\.env\.([A-Za-z_][A-Za-z0-9_]*)/g, name),
      ...matches(text, /\bprocess\.env\[\s*['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]\s*\]/g, name),
      ...matches(text, /\bimport\.meta\.env\.([A-Za-z_][A-Za-z0-9_]*)/g, name),
      ...matches(text, /\bDeno\.env\.get\(\s*['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]/g, name),
    ];
  if (language === "python")
    return [
      ...matches(text, /\bos\.environ\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\]/g, name),
      ...matches(text, /\bos\.(?:environ\.get|getenv)\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]/g, name),
    ];
  if (language === "go")
    return matches(text, /\bos\.(?:Getenv|LookupEnv)\(\s*"([A-Za-z_][A-Za-z0-9_]*)"/g, name);
  if (language === "rust") return matches(text, /\benv::var(?:_os)?\(\s*"([A-Za-z_][A-Za-z0-9_]*)"/g, name);
  return matches(text, /\bSystem\.getenv\(\s*"([A-Za-z_][A-Za-z0-9_]*)"/g, name);
}

/** Top-level modules a Python source imports (`from sqlalchemy.orm import x` -> `sqlalchemy`). */
export function pythonImportsIn(text: string): string[] {
  return matches(text, /^[ \t]*(?:from|import)\s+([A-Za-z_][\w]*)/gm, (match) => match[1]);
}

/** Go import paths of a source. */
export function goImportsIn(text: string): string[] {
  const blocks = delimitedBodies(text, /^import\s*\(/gm, /^\)/gm);
  const singles = matches(text, /^import\s+(?:[\w.]+\s+)?"([^"]+)"/gm, (match) => match[1]);
  return [...singles, ...blocks.flatMap((block) => matches(block, /"([^"]+)"/g, (match) => match[1]))];
}

/** Known data-store clients by package (npm, PyPI, crates.io, Go module prefix, Maven artifact) and what they talk to. */
const DATA_STORES: readonly [RegExp, string][] = [
  [
    /^(pg|postgres|pg-promise|@neondatabase\/serverless|@vercel\/postgres|psycopg|psycopg2|psycopg2-binary|asyncpg|tokio-postgres|postgresql|github\.com\/lib\/pq|github\.com\/jackc\/pgx.*)$/,
    "PostgreSQL",
  ],
  [
    /^(mysql|mysql2|pymysql|mysqlclient|mysql-connector-python|mysql-connector-j|github\.com\/go-sql-driver\/mysql)$/,
    "MySQL",
  ],
  [
    /^(better-sqlite3|sqlite3|sqlite|@libsql\/client|rusqlite|github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite)$/,
    "SQLite",
  ],
  [/^(mongodb|mongoose|pymongo|motor|go\.mongodb\.org\/mongo-driver.*)$/, "MongoDB"],
  [
    /^(redis|ioredis|@upstash\/redis|github\.com\/redis\/go-redis.*|github\.com\/go-redis\/redis.*)$/,
    "Redis",
  ],
  [/^(@prisma\/client|prisma)$/, "Prisma (ORM)"],
  [/^drizzle-orm$/, "Drizzle ORM"],
  [/^typeorm$/, "TypeORM"],
  [/^sequelize$/, "Sequelize (ORM)"],
  [/^knex$/, "Knex (SQL)"],
  [/^(sqlalchemy|SQLAlchemy)$/, "SQLAlchemy (SQL)"],
  [/^(sqlx|diesel|sea-orm)$/, "SQL database (Rust)"],
  [/^gorm\.io\/gorm$/, "GORM (SQL)"],
  [
    /^(kafkajs|@confluentinc\/kafka-javascript|kafka-python|confluent-kafka|aiokafka|rdkafka|github\.com\/segmentio\/kafka-go|github\.com\/IBM\/sarama)$/,
    "Kafka",
  ],
  [/^(amqplib|pika|aio-pika|lapin|github\.com\/rabbitmq\/amqp091-go)$/, "RabbitMQ"],
  [/^(@aws-sdk\/client-s3|aws-sdk)$/, "Amazon S3"],
  [/^@aws-sdk\/(client-dynamodb|lib-dynamodb)$/, "Amazon DynamoDB"],
  [/^@aws-sdk\/client-sqs$/, "Amazon SQS"],
  [/^(boto3|aiobotocore)$/, "AWS (boto3)"],
  [/^(@google-cloud\/storage|google-cloud-storage)$/, "Google Cloud Storage"],
  [/^(@google-cloud\/firestore|firebase-admin|google-cloud-firestore)$/, "Firestore"],
  [
    /^(@elastic\/elasticsearch|elasticsearch|@opensearch-project\/opensearch|opensearch-py)$/,
    "Elasticsearch / OpenSearch",
  ],
  [/^(cassandra-driver|gocql|github\.com\/gocql\/gocql)$/, "Cassandra"],
  [/^(neo4j-driver|neo4j)$/, "Neo4j"],
  [/^(@supabase\/supabase-js|supabase)$/, "Supabase"],
  [/^(memcached|pymemcache|github\.com\/bradfitz\/gomemcache)$/, "Memcached"],
];

/** The data store a package is a client of, if it is a known one. */
export function dataStoreOf(name: string): string | undefined {
  return DATA_STORES.find(([pattern]) => pattern.test(name))?.[1];
}

/** Collects facts by value with the files they came from, then lists them sorted. */
export class FactSet {
  readonly #facts = new Map<string, Set<string>>();

  add(value: string, file: string): void {
    const files = this.#facts.get(value) ?? new Set<string>();
    files.add(file);
    this.#facts.set(value, files);
  }

  get size(): number {
    return this.#facts.size;
  }

  /** The facts sorted by value, each with its files sorted. */
  list(): Fact[] {
    return [...this.#facts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([value, files]) => ({ value, files: [...files].sort() }));
  }
}
