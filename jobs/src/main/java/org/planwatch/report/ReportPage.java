package org.planwatch.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * Renders a {@link Dashboard} as one self-contained HTML file: the Mustache template
 * (report.mustache) with the stylesheet, the page script, the chart data as JSON and Apache ECharts
 * inlined, so the page opens offline. ECharts comes from the org.mvnpm:echarts jar on the classpath
 * (the npm package republished on Maven Central); its version is read from that jar's Maven metadata.
 */
public final class ReportPage {
  private static final String RESOURCES = "org/planwatch/report/";
  private static final String ECHARTS_POM = "META-INF/maven/org.mvnpm/echarts/pom.properties";

  private final Mustache template = new DefaultMustacheFactory(RESOURCES).compile("report.mustache");
  private final ObjectMapper json = new ObjectMapper();

  public ReportPage() {
    // The data sits inside <script>: escape what could close the element or start markup there.
    json.getFactory().setCharacterEscapes(new ScriptSafeEscapes());
  }

  public String render(Dashboard dashboard) {
    String echartsVersion = echartsVersion();
    Map<String, Object> page = Map.of(
        "asOf", dashboard.asOf(),
        "generatedAt", dashboard.generatedAt(),
        "regions", dashboard.regions(),
        "comparison", dashboard.comparison(),
        "echartsVersion", echartsVersion,
        "css", resource(RESOURCES + "report.css"),
        "pageScript", resource(RESOURCES + "report.js"),
        "echarts", resource("META-INF/resources/_static/echarts/" + echartsVersion + "/dist/echarts.min.js"),
        "dataJson", toJson(dashboard));
    StringWriter out = new StringWriter();
    template.execute(out, page);
    return out.toString();
  }

  static String echartsVersion() {
    Properties pom = new Properties();
    try (InputStream in = open(ECHARTS_POM)) {
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pom.getProperty("version");
  }

  private String toJson(Dashboard dashboard) {
    try {
      return json.writeValueAsString(dashboard);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the dashboard data as JSON", e);
    }
  }

  private static String resource(String path) {
    try (InputStream in = open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " from the classpath", e);
    }
  }

  private static InputStream open(String path) {
    InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException(path + " is not on the classpath (the org.mvnpm:echarts dependency supplies ECharts)");
    }
    return in;
  }

  /** JSON escapes for a {@code <script>} element: {@code <}, {@code >}, {@code &} and the JavaScript line separators. */
  private static final class ScriptSafeEscapes extends CharacterEscapes {
    private final int[] escapes;

    ScriptSafeEscapes() {
      escapes = CharacterEscapes.standardAsciiEscapesForJSON();
      escapes['<'] = CharacterEscapes.ESCAPE_STANDARD;
      escapes['>'] = CharacterEscapes.ESCAPE_STANDARD;
      escapes['&'] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == 0x2028 || ch == 0x2029
          ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch))
          : null;
    }
  }
}
