package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.junit.jupiter.api.Test;

/**
 * {@link XhtmlBuilder} writes, for any sequence of elements and texts, the very string HAPI composes for the
 * {@link XhtmlNode} tree the same calls build (what the narratives stored before it were); and the {@link ComposedDiv}
 * it gives still serves a node tree to whatever asks for one.
 */
class XhtmlBuilderTest {
  /** Texts that need escaping in XML or JSON, or that HAPI's composer writes in a way of its own. */
  private static final List<String> AWKWARD_TEXTS = List.of("", " ", "a & b", "<script>x</script>", "\"quoted\"",
      "it's", "back\\slash", "tab\tline\nreturn\r", "\u0001\u001f", "non\u00a0breaking", "§ © ™ μ ®", "é, 中文, ×10^9",
      "emoji 😀 and 🧬", "lone \ud800 high", "lone \udc00 low", "\udc00\ud800 reversed", "line\u2028separator",
      "&amp; already", "]]>", "—");
  private static final List<String> ELEMENTS = List.of("p", "b", "table", "tbody", "tr", "td", "ul", "li", "br");

  /** One call, made on both a builder and a HAPI tree. */
  private record Call(String open, String text, boolean closes) {
    static Call open(String element) {
      return new Call(element, null, false);
    }

    static Call text(String text) {
      return new Call(null, text, false);
    }

    static Call close() {
      return new Call(null, null, true);
    }
  }

  @Test
  void writesWhatHapiComposesForTheSameCalls() {
    Random random = new Random(17);
    for (int run = 0; run < 3_000; run++) {
      List<Call> calls = randomCalls(random);
      assertEquals(composedByHapi(calls), built(calls).getValueAsString(), calls.toString());
    }
  }

  @Test
  void escapesEveryAwkwardTextAsHapiDoes() {
    for (String text : AWKWARD_TEXTS) {
      List<Call> calls = List.of(Call.open("p"), Call.text(text), Call.close());
      assertEquals(composedByHapi(calls), built(calls).getValueAsString(), text);
    }
  }

  @Test
  void writesEmptyElementsAndEmptyTextsAsHapiDoes() {
    // No text at all, a null text (HAPI adds no node) and an empty text (HAPI adds one: the element is not empty).
    List<Call> calls = List.of(Call.open("td"), Call.close(), Call.open("td"), Call.text(null), Call.close(),
        Call.open("td"), Call.text(""), Call.close(), Call.open("br"), Call.close());
    String xhtml = built(calls).getValueAsString();

    assertEquals(composedByHapi(calls), xhtml);
    assertEquals("<div xmlns=\"http://www.w3.org/1999/xhtml\"><td/><td/><td></td><br/></div>", xhtml);
  }

  @Test
  void anEmptyDivIsAnEmptyNode() {
    XhtmlNode div = XhtmlBuilder.div().toDiv();

    assertTrue(div.isEmpty());
    assertNull(div.getValueAsString());
  }

  @Test
  void refusesADivWithElementsLeftOpen() {
    XhtmlBuilder builder = XhtmlBuilder.div().open("p");

    assertThrows(IllegalStateException.class, builder::toDiv);
  }

  @Test
  void givesTheTreeAParseWouldGiveWhenAskedForIt() {
    List<Call> calls = List.of(Call.open("p"), Call.open("b"), Call.text("Title & more"), Call.close(), Call.close(),
        Call.open("ul"), Call.open("li"), Call.text("one"), Call.close(), Call.open("li"), Call.text("two 😀"),
        Call.close(), Call.close());
    XhtmlNode div = built(calls);
    XhtmlNode copy = div.copy();
    XhtmlNode parsed = new XhtmlNode();
    parsed.setValueAsString(div.getValueAsString());

    assertInstanceOf(ComposedDiv.class, copy);
    assertNotSame(div, copy);
    assertEquals(div.getValueAsString(), copy.getValueAsString());
    assertFalse(div.isEmpty());
    assertEquals("div", div.getName());
    assertEquals(XhtmlNode.XMLNS, div.getAttribute("xmlns"));
    assertEquals(2, div.getChildNodes().size());
    assertEquals("Title & more", div.getChildNodes().get(0).getFirstElement().allText());
    assertEquals("two 😀", div.getElement("ul").getChildNodes().get(1).allText());
    assertTrue(div.equalsDeep(parsed));
    assertTrue(parsed.equalsDeep(div));
    assertTrue(copy.equalsDeep(div));

    // The tree is the node's now: a change to it is what gets composed.
    div.getElement("ul").addTag("li").addText("three");
    assertTrue(div.getValueAsString().endsWith("<li>three</li></ul></div>"), div.getValueAsString());
    assertFalse(copy.getValueAsString().contains("three"));
  }

  private static List<Call> randomCalls(Random random) {
    List<Call> calls = new ArrayList<>();
    int depth = 0;
    int length = 1 + random.nextInt(25);
    for (int i = 0; i < length || depth > 0; i++) {
      int kind = i >= length ? 2 : random.nextInt(3);
      if (kind == 0 && depth < 6) {
        calls.add(Call.open(ELEMENTS.get(random.nextInt(ELEMENTS.size()))));
        depth++;
      } else if (kind == 2 && depth > 0) {
        calls.add(Call.close());
        depth--;
      } else {
        calls.add(Call.text(randomText(random)));
      }
    }
    return calls;
  }

  private static String randomText(Random random) {
    int pick = random.nextInt(10);
    if (pick == 0) {
      return null;
    }
    if (pick < 4) {
      return AWKWARD_TEXTS.get(random.nextInt(AWKWARD_TEXTS.size()));
    }
    StringBuilder text = new StringBuilder();
    String alphabet = "ab &<>\"'\\\t\n\u00e9\u4e2d\ud83d\ude00\ud800\udc00\u0001";
    for (int i = random.nextInt(12); i > 0; i--) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  private static XhtmlNode built(List<Call> calls) {
    XhtmlBuilder builder = XhtmlBuilder.div();
    for (Call call : calls) {
      if (call.open() != null) {
        builder.open(call.open());
      } else if (call.closes()) {
        builder.close();
      } else {
        builder.text(call.text());
      }
    }
    return builder.toDiv();
  }

  /** The XHTML HAPI composes for the tree the calls build with its own node model, as its encoders take it. */
  private static String composedByHapi(List<Call> calls) {
    XhtmlNode div = new XhtmlNode(NodeType.Element, "div");
    div.setAttribute("xmlns", XhtmlNode.XMLNS);
    Deque<XhtmlNode> open = new ArrayDeque<>();
    open.push(div);
    for (Call call : calls) {
      if (call.open() != null) {
        open.push(open.peek().addTag(call.open()));
      } else if (call.closes()) {
        open.pop();
      } else {
        open.peek().addText(call.text());
      }
    }
    return div.getValueAsString();
  }
}
