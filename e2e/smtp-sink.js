// A local SMTP server for the browser tests: the demo sends its e-mail here
// (`--smtp-url smtp://127.0.0.1:PORT`) and every message is written, parsed,
// as one JSON file ({to, subject, text}) in the mailbox directory, so a test
// can read the invitation letter a person would get and follow its link.
//
// Usage: node smtp-sink.js MAILBOX_DIR PORT
'use strict';
const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');
const fs = require('node:fs');
const path = require('node:path');

const [mailbox, port] = process.argv.slice(2);
if (!mailbox || !port) {
  console.error('usage: node smtp-sink.js MAILBOX_DIR PORT');
  process.exit(2);
}
fs.mkdirSync(mailbox, { recursive: true });
let seq = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, done) {
    simpleParser(stream)
      .then((mail) => {
        seq += 1;
        const message = {
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: mail.subject || '',
          text: mail.text || '',
        };
        // Written under a temporary name and renamed, so a reader never sees half a file.
        const file = path.join(mailbox, `${String(seq).padStart(6, '0')}.json`);
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(message));
        fs.renameSync(`${file}.tmp`, file);
        done();
      })
      .catch(done);
  },
});
server.on('error', (e) => console.error('smtp-sink:', e.message));
server.listen(Number(port), '127.0.0.1', () => console.log(`smtp-sink listening on ${port}`));
