import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from './config.ts';

export type Mail = {
  to: string;
  subject: string;
  text: string;
  /** Extra header lines (List-Unsubscribe and its kin). */
  headers?: Record<string, string>;
  /** A stable Message-ID, so a mail tried again is the same mail to the receiving servers. */
  messageId?: string;
};
export type Mailer = { send(mail: Mail): Promise<void> };

/** With no SMTP server configured, mail goes to the server log, so a trial node still works. */
export function createMailer(smtp: SmtpConfig | null, log: (line: string) => void): Mailer {
  if (!smtp) {
    return {
      async send(mail) {
        log(`mail to ${mail.to} (no SMTP_HOST set, so it is written here): ${mail.subject}\n${mail.text}`);
      },
    };
  }
  const transport: Transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    // A mail server that does not answer fails the send soon: the queue tries again later.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from: smtp.from, ...mail });
    },
  };
}
