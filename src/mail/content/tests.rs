use super::*;

fn vars() -> Vars {
    Vars {
        business_name: "Flixtechs".into(),
        customer_name: "Texas <Ins> & Co".into(),
        number: "INV-0001".into(),
        balance: "R 437.00".into(),
        total: "R 437.00".into(),
        due_at: "2025-10-12".into(),
        url: "http://localhost:3000/api/v1/invoices/1.json".into(),
        pay_url: "http://localhost:3000/api/v1/invoices/1.json?a=1&b=2".into(),
        public_url: "http://localhost:3000/p/abc".into(),
        quote: false,
    }
}

#[test]
fn a_quote_names_its_page_under_quote_too() {
    let vars = Vars {
        quote: true,
        ..vars()
    };
    let out = render(
        "{{ quote.pay_url }} {{ quote.public_url }} {{ invoice.public_url }}",
        &vars,
    )
    .unwrap();
    assert_eq!(
        out,
        "http://localhost:3000/api/v1/invoices/1.json?a=1&amp;b=2 http://localhost:3000/p/abc http://localhost:3000/p/abc"
    );
}

#[test]
fn the_pages_example_renders_with_escaped_variables_and_a_button() {
    let content = "<div>Hi {{ invoice.customer.name }},<br>Invoice #{{ invoice.number }} \
        for {{ invoice.balance }} is due {{ invoice.due_at }}.\
        {%- button url: invoice.pay_url -%}Pay Now{%- endbutton -%}\
        <a href=\"{{ invoice.url }}\">View</a> {{ business.name }}</div>";
    let html = render(content, &vars()).unwrap();
    assert!(html.contains("Hi Texas &lt;Ins&gt; &amp; Co,"), "{html}");
    assert!(html.contains("Invoice #INV-0001 for R 437.00 is due 2025-10-12"));
    assert!(
        html.contains("href=\"http://localhost:3000/api/v1/invoices/1.json?a=1&amp;b=2\""),
        "{html}"
    );
    assert!(html.contains(">Pay Now</a></td></tr></table>"), "{html}");
    assert!(html.contains("Flixtechs</div>"));
    let text = text_of(&html);
    assert!(text.contains("Hi Texas <Ins> & Co,"), "{text}");
    assert!(
        text.contains("[http://localhost:3000/api/v1/invoices/1.json?a=1&b=2] Pay Now"),
        "{text}"
    );
}

#[test]
fn errors_name_the_line() {
    let err = render("<p>one</p>\n<p>{% if invoice.number %}two</p>\n", &vars()).unwrap_err();
    assert!(err.line.is_some(), "{err:?}");
    assert!(err.message.contains("endif"), "{err:?}");
    let err = render("<p>one</p>\n\n<p>{{ invoice.number </p>", &vars()).unwrap_err();
    assert_eq!(err.line, Some(3), "{err:?}");
    let err = render("line one\nline two {{ invoice.nmber }}\n", &vars()).unwrap_err();
    assert_eq!(err.line, Some(2), "{err:?}");
    assert_eq!(err.message, "Unknown index: invoice.nmber");
    let err = render("a\nb\n{{ invoice.number | bogus }}", &vars()).unwrap_err();
    assert_eq!(err.line, Some(3), "{err:?}");
}

#[test]
fn partials_loops_and_assignments_are_not_available() {
    for bad in [
        "{% include 'secrets.txt' %}",
        "{% render '/etc/passwd' %}",
        "{% for i in (1..1000000000) %}x{% endfor %}",
        "{% assign a = 'x' %}",
        "{% capture a %}{{ a }}{{ a }}{% endcapture %}",
    ] {
        assert!(render(bad, &vars()).is_err(), "{bad}");
    }
    let err = render(
        "{% button url: 'javascript:alert(1)' %}x{% endbutton %}",
        &vars(),
    )
    .unwrap_err();
    assert!(err.message.contains("url"), "{err:?}");
    assert!(
        render(
            "{% if invoice.balance %}due{% else %}paid{% endif %} {{ invoice.number | downcase }}",
            &vars()
        )
        .unwrap()
            == "due inv-0001"
    );
}

#[test]
fn deep_nesting_is_refused_before_the_parser_recurses() {
    // Thousands of levels would overflow the stack inside liquid's parser.
    for deep in [
        "{% if a %}".repeat(5000),
        "{{ (".repeat(5000),
        format!("{{{{ {} }}}}", "[".repeat(20000)),
        format!("{{% if {} %}}", "(".repeat(20000)),
    ] {
        let err = check_syntax(&deep).unwrap_err();
        assert!(err.message.contains("nest more than 20 deep"), "{err:?}");
        assert_eq!(err.line, Some(1));
    }
    let twenty = format!("{}x{}", "{% if a %}".repeat(20), "{% endif %}".repeat(20));
    assert!(check_syntax(&twenty).is_ok());
    let err = check_syntax(&format!("a\nb\n{}", "{% unless a %}".repeat(21))).unwrap_err();
    assert_eq!(err.line, Some(3), "{err:?}");
    assert!(check_syntax("{{").is_err());
    assert!(
        check_syntax("{{ invoice.nmber }}").is_ok(),
        "names are checked at render"
    );
}
