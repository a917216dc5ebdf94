from django.core.management.base import BaseCommand, CommandError

from gridgov.audit.chain import check_anchor, verify


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"--anchor {text!r}: expected SEQ:HASH with a 64-character sha256 hash")
    return int(seq), digest


class Command(BaseCommand):
    help = (
        "Verify the audit hash chain. Prints OK with the count and head hash (record that hash "
        "outside the system), or the first bad row and why; exits 1 when the chain is bad, an "
        "anchor does not match, or a guard trigger is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="a head hash recorded earlier outside the system; the chain must still contain it",
        )

    def handle(self, *args, anchor: list[str], **options):
        anchors = [_anchor(text) for text in anchor]
        result = verify()
        failed = not result.ok
        if result.ok:
            self.stdout.write(
                f"OK: {result.count} sealed entries, head seq {result.head_seq} "
                f"hash {result.head_hash or '-'}, {result.unsealed} not yet sealed"
            )
        else:
            where = f"id {result.bad_id} seq {result.bad_seq}" if result.bad_id else f"seq {result.bad_seq}"
            self.stderr.write(
                f"BAD: first bad entry {where}: {result.reason}: {result.message} "
                f"({result.count} entries before it are intact)"
            )
        for seq, digest in anchors:
            if problem := check_anchor(seq, digest):
                failed = True
                self.stderr.write(f"BAD: anchor does not match: {problem}")
        if result.missing_triggers:
            failed = True
            self.stderr.write("BAD: append-only triggers missing: " + ", ".join(result.missing_triggers))
        if failed:
            raise SystemExit(1)
