//! The `{% button url: … %}Label{% endbutton %}` block of Koteshen's send forms: an
//! email-safe link button (a one-cell table with inline styles, which every mail client
//! draws, unlike a styled `<a>` alone).

use std::io::Write;

use liquid_core::ValueView;
use liquid_core::error::ResultLiquidExt;
use liquid_core::{
    BlockReflection, Expression, Language, ParseBlock, Renderable, Result, Runtime, TagBlock,
    TagTokenIter, Template,
};

#[derive(Copy, Clone, Debug, Default)]
pub struct ButtonBlock;

impl BlockReflection for ButtonBlock {
    fn start_tag(&self) -> &str {
        "button"
    }

    fn end_tag(&self) -> &str {
        "endbutton"
    }

    fn description(&self) -> &str {
        "An email-safe link button: {% button url: invoice.pay_url %}Pay now{% endbutton %}"
    }
}

impl ParseBlock for ButtonBlock {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut block: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        arguments
            .expect_next("`url:` expected")?
            .expect_str("url")
            .into_result_custom_msg("`url:` expected")?;
        arguments
            .expect_next("`:` expected after `url`")?
            .expect_str(":")
            .into_result_custom_msg("`:` expected after `url`")?;
        let url = arguments
            .expect_next("a URL expected after `url:`")?
            .expect_value()
            .into_result()?;
        arguments.expect_nothing()?;
        let label = Template::new(
            block
                .parse_all(options)
                .trace_with(|| "{% button %}".into())?,
        );
        block.assert_empty();
        Ok(Box::new(Button { url, label }))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct Button {
    url: Expression,
    label: Template,
}

/// Only links a mail client should follow; `javascript:` and the like draw no button.
fn safe_href(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        return None;
    }
    // Variables arrive HTML-escaped already (`&amp;`): escape only what could end the
    // attribute or open a tag.
    Some(
        url.replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
    )
}

impl Renderable for Button {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let url = self.url.evaluate(runtime)?.to_kstr().into_owned();
        let label = self.label.render(runtime)?;
        let Some(href) = safe_href(&url) else {
            return Err(liquid_core::Error::with_msg(
                "the button's url must be an http(s) or mailto: link",
            )
            .context("url", url.to_string()));
        };
        write!(
            writer,
            "<table role=\"presentation\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" \
             style=\"margin:16px 0;border-collapse:separate\"><tr>\
             <td align=\"center\" bgcolor=\"#1f6feb\" style=\"border-radius:6px;background:#1f6feb\">\
             <a href=\"{href}\" target=\"_blank\" rel=\"noopener\" style=\"display:inline-block;\
             padding:12px 24px;font-family:Helvetica,Arial,sans-serif;font-size:16px;\
             font-weight:bold;line-height:20px;color:#ffffff;text-decoration:none;\
             border-radius:6px\">{label}</a></td></tr></table>"
        )
        .map_err(|_| liquid_core::Error::with_msg("the button could not be written"))?;
        Ok(())
    }
}
