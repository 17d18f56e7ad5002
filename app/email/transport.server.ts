import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";

/**
 * Where a rendered follow-up email goes: an SMTP server (nodemailer, SMTP_URL) in real use, or
 * `.eml` files in a local folder in demo mode so a newcomer can open what a buyer would receive.
 */
export interface EmailTransport {
  readonly kind: "smtp" | "eml";
  /** Resolves once the server accepted the message (SMTP 250 after DATA) or the file is written. */
  send(mail: Mail.Options): Promise<{ response: string }>;
  close(): void;
}

/**
 * nodemailer writes the end of DATA as its own small packet; with Nagle's algorithm on, it waits
 * for the server's delayed ACK (~40 ms a message). Our own socket with TCP_NODELAY removes that.
 */
function noDelaySocket(
  options: { host?: string; port?: number; secure?: boolean },
  callback: (err: Error | null, socket?: { connection: net.Socket }) => void,
) {
  const socket = net.connect({ host: options.host ?? "localhost", port: options.port ?? (options.secure ? 465 : 587) });
  socket.setNoDelay(true);
  const onError = (error: Error) => callback(error);
  socket.once("error", onError);
  socket.once("connect", () => {
    socket.off("error", onError);
    callback(null, { connection: socket });
  });
}

export function smtpTransport(url: string, options: { pool?: boolean } = {}): EmailTransport {
  const base = nodemailer.createTransport(url).options as Record<string, unknown>;
  const transporter = nodemailer.createTransport({
    ...base,
    pool: options.pool !== false,
    maxConnections: 1,
    getSocket: noDelaySocket,
    // Bounded well under the worker's 5-minute lease, so a hung server cannot outlive a claim.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    kind: "smtp",
    async send(mail) {
      const info = (await transporter.sendMail(mail)) as { response?: string };
      return { response: info.response ?? "" };
    },
    close: () => transporter.close(),
  };
}

/** Demo transport: `<outboxId>.eml` per message, so writing one message twice leaves one file. */
export function emlTransport(dir: string): EmailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    kind: "eml",
    async send(mail) {
      const info = (await transporter.sendMail(mail)) as unknown as { message: Buffer };
      mkdirSync(dir, { recursive: true });
      const name = emlFileName(mail);
      const tmp = path.join(dir, `.${name}.tmp`);
      writeFileSync(tmp, info.message);
      renameSync(tmp, path.join(dir, name)); // atomic: the admin never lists half a file
      return { response: `250 written ${name}` };
    },
    close: () => transporter.close(),
  };
}

function emlFileName(mail: Mail.Options): string {
  const headers = (mail.headers ?? {}) as Record<string, string>;
  const id = String(headers["X-Moments-Outbox"] ?? mail.messageId ?? Date.now());
  return `${id.replace(/[^A-Za-z0-9._-]/g, "_")}.eml`;
}

export interface EmlFile {
  name: string;
  bytes: number;
  writtenAt: Date;
  subject: string;
  to: string;
}

/** The demo outbox folder's messages, newest first (admin list). */
export function listEmlFiles(dir: string, limit = 100): EmlFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".eml") && !n.startsWith("."));
  } catch {
    return [];
  }
  return names
    .map((name) => {
      const file = path.join(dir, name);
      const stat = statSync(file);
      const head =
        readFileSync(file, "utf8")
          .slice(0, 8192)
          .split(/\r?\n\r?\n/)[0] ?? "";
      const header = (key: string) =>
        new RegExp(`^${key}: (.*(?:\\r?\\n[ \\t].*)*)`, "mi").exec(head)?.[1]?.replace(/\r?\n[ \t]/g, " ") ?? "";
      return {
        name,
        bytes: stat.size,
        writtenAt: stat.mtime,
        subject: decodeMimeWords(header("Subject")),
        to: header("To"),
      };
    })
    .sort((a, b) => b.writtenAt.getTime() - a.writtenAt.getTime())
    .slice(0, limit);
}

/** A file of the demo outbox by name; null for anything that is not a plain `.eml` name in it. */
export function readEmlFile(dir: string, name: string): Buffer | null {
  if (!/^[A-Za-z0-9._-]+\.eml$/.test(name) || name.startsWith(".")) return null;
  try {
    return readFileSync(path.join(dir, name));
  } catch {
    return null;
  }
}

function decodeMimeWords(s: string): string {
  return s
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
    )
    .replace(/\?=\s+=\?/g, "");
}
