package io.nxs.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code append} merge: what an entry is and how both sides' new ones are kept. */
class MarkdownEntriesTest {

  @Test
  void headingsAndTopLevelListItemsStartEntriesAndAPreambleComesFirst() {
    MarkdownEntries.Parsed p =
        MarkdownEntries.parse(
            "Intro line\n\n## 2026-12-06 day\n- 09:00 item\n  continued\n```\n# not a heading\n```\n1. numbered\n");

    assertThat(p.preamble()).isEqualTo("Intro line\n\n");
    assertThat(p.entries())
        .extracting(MarkdownEntries.Entry::text)
        .containsExactly(
            "## 2026-12-06 day\n",
            "- 09:00 item\n  continued\n```\n# not a heading\n```\n",
            "1. numbered\n");
    // Items without a date of their own stay under their dated heading.
    assertThat(p.entries().get(1).time()).isEqualTo(p.entries().get(0).time());
  }

  @Test
  void bothSidesNewItemsUnderOneDayStayUnderItOnceEach() {
    String base = "# Log\n## 2026-12-06\n- a\n";
    String local = base + "- b (home)\n- same on both\n";
    String remote = base + "- same on both\n- c (cloud)\n";

    assertThat(MarkdownEntries.merge(base, local, remote))
        .isEqualTo("# Log\n## 2026-12-06\n- a\n- b (home)\n- same on both\n- c (cloud)\n");
  }

  @Test
  void anEntryRemovedOnOneSideStaysRemovedAndADayAddedOnBothSidesIsOneDay() {
    String base = "## 2026-12-05\n- old\n- wrong\n";
    String local = "## 2026-12-05\n- old\n## 2026-12-06\n- home\n";
    String remote = "## 2026-12-05\n- old\n- wrong\n## 2026-12-06\n- cloud\n";

    assertThat(MarkdownEntries.merge(base, local, remote))
        .isEqualTo("## 2026-12-05\n- old\n## 2026-12-06\n- home\n- cloud\n");
  }

  @Test
  void entriesAreOrderedByTheirTimesAndTrailingSpaceDoesNotMakeANewOne() {
    String base = "";
    String local = "## 2026-12-06 14:00 late\n## 2026-12-06 09:00 early   \n";
    String remote = "## 2026-12-06 09:00 early\n## 2026-12-06 11:00 middle\n";

    assertThat(MarkdownEntries.merge(base, local, remote))
        .isEqualTo(
            "## 2026-12-06 09:00 early   \n## 2026-12-06 11:00 middle\n## 2026-12-06 14:00 late\n");
  }

  @Test
  void binaryContentIsNotMergedAsText() {
    byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 0};

    assertThat(
            MarkdownEntries.merge(new byte[0], notUtf8, "## x\n".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
  }
}
