/* Mnemo patch (from scripts/fengari-c-format.js): string.format's numbers as C's printf writes
   them, which is what Redis's Lua gives. sprintf-js wrote %e's exponent with one digit (1e+0),
   %g through JS's own number printing (1e15 as 1000000000000000), and rounded ties away from
   zero; C works on the double's exact decimal digits and rounds ties to even. Integers past 32
   bits print from their exact value, negative ones in %x, %o and %u as 64-bit two's complement. */
const mnemo_float_view = new DataView(new ArrayBuffer(8));

/* The exact decimal digits of a finite x > 0: [digits, point], x = 0.digits * 10^point */
const mnemo_exact_digits = function(x) {
    mnemo_float_view.setFloat64(0, x);
    const bits = mnemo_float_view.getBigUint64(0);
    const biased = Number((bits >> 52n) & 2047n);
    let mantissa = bits & 4503599627370495n;
    let exponent = -1074;
    if (biased !== 0) {
        mantissa |= 4503599627370496n;
        exponent = biased - 1075;
    }
    if (exponent >= 0) {
        const digits = (mantissa << BigInt(exponent)).toString();
        return [digits, digits.length];
    }
    const digits = (mantissa * 5n ** BigInt(-exponent)).toString();
    return [digits, digits.length + exponent];
};

/* digits cut to keep (>= 0) digits, rounded half to even: [digits, carried (one digit more)] */
const mnemo_round = function(digits, keep) {
    if (keep >= digits.length) return [digits + "0".repeat(keep - digits.length), false];
    const next = digits.charCodeAt(keep) - 48;
    const odd = keep > 0 && (digits.charCodeAt(keep - 1) - 48) % 2 === 1;
    const up = next > 5 || (next === 5 && (/[1-9]/.test(digits.slice(keep + 1)) || odd));
    const head = digits.slice(0, keep);
    if (!up) return [head, false];
    let i = head.length - 1;
    while (i >= 0 && head[i] === "9") i--;
    if (i < 0) return ["1" + "0".repeat(head.length), true];
    return [head.slice(0, i) + String.fromCharCode(head.charCodeAt(i) + 1) + "0".repeat(head.length - i - 1), false];
};

/* x >= 0 with precision + 1 significant digits: [digits, decimal exponent] */
const mnemo_scientific = function(x, precision) {
    if (x === 0) return ["0".repeat(precision + 1), 0];
    let [digits, point] = mnemo_exact_digits(x);
    let [rounded, carried] = mnemo_round(digits, precision + 1);
    if (carried) {
        point++;
        rounded = rounded.slice(0, precision + 1);
    }
    return [rounded, point - 1];
};

const mnemo_format_e = function(x, precision, alt) {
    const [digits, exponent] = mnemo_scientific(x, precision);
    const mantissa = digits[0] + (precision > 0 || alt ? "." + digits.slice(1) : "");
    return mantissa + "e" + (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0");
};

const mnemo_format_f = function(x, precision, alt) {
    let whole = "0", fraction = "0".repeat(precision);
    if (x !== 0) {
        let [digits, point] = mnemo_exact_digits(x);
        if (point < 0) {
            digits = "0".repeat(-point) + digits;
            point = 0;
        }
        const [rounded, carried] = mnemo_round(digits, point + precision);
        if (carried) point++;
        whole = rounded.slice(0, point) || "0";
        fraction = rounded.slice(point);
    }
    return whole + (precision > 0 || alt ? "." + fraction : "");
};

const mnemo_format_g = function(x, precision, alt) {
    if (precision === 0) precision = 1;
    const exponent = mnemo_scientific(x, precision - 1)[1];
    let text = precision > exponent && exponent >= -4 ? mnemo_format_f(x, precision - 1 - exponent, alt) : mnemo_format_e(x, precision - 1, alt);
    if (!alt) {
        const at = text.indexOf("e");
        let mantissa = at < 0 ? text : text.slice(0, at);
        if (mantissa.includes(".")) mantissa = mantissa.replace(/0+$/, "").replace(/[.]$/, "");
        text = mantissa + (at < 0 ? "" : text.slice(at));
    }
    return text;
};

/* sign and digits in the form's width, as printf pads them */
const mnemo_pad = function(flags, width, sign, body) {
    const length = sign.length + body.length;
    if (length >= width) return sign + body;
    if (flags.includes("-")) return sign + body + " ".repeat(width - length);
    if (flags.includes("0")) return sign + "0".repeat(width - length) + body;
    return " ".repeat(width - length) + sign + body;
};

/* A number in a form of %e %f %g (finite), or of %d %i %o %u %x %X past what sprintf-js does right; else null */
const mnemo_c_number = function(form, n) {
    const spec = /^%([-+ #0]*)([0-9]*)(?:[.]([0-9]*))?([eEfFgGdioxXu])$/.exec(form);
    if (spec === null || (typeof n !== "bigint" && typeof n !== "number")) return null;
    const flags = spec[1], width = Number(spec[2] || 0), conversion = spec[4];
    const alt = flags.includes("#");
    const lower = conversion.toLowerCase();
    if (typeof n === "number" && !Number.isFinite(n)) {  /* inf and nan, signed as the bits say, padded with spaces */
        if (!"efg".includes(lower)) return null;
        const text = require("./luaconf.js").mnemo_not_finite(n);
        const signed = text[0] === "-" ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
        const body = text.replace("-", "");
        return mnemo_pad(flags.replace("0", ""), width, signed, conversion === lower ? body : body.toUpperCase());
    }
    const negative = typeof n === "number" && (n < 0 || Object.is(n, -0));
    const sign = negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
    if ("efg".includes(lower)) {
        const precision = spec[3] === undefined ? 6 : Number(spec[3] || 0);
        const format = lower === "e" ? mnemo_format_e : lower === "f" ? mnemo_format_f : mnemo_format_g;
        const body = format(Math.abs(n), precision, alt);
        return mnemo_pad(flags, width, sign, conversion === lower ? body : body.toUpperCase());
    }
    if (lower === "d" || lower === "i") {
        if (Number.isSafeInteger(n)) return null;
        return mnemo_pad(flags, width, sign, (negative ? -BigInt(n) : BigInt(n)).toString());
    }
    if (typeof n === "number" && n >= 0 && n <= 4294967295 && !alt) return null;
    const radix = lower === "o" ? 8 : lower === "u" ? 10 : 16;
    let body = BigInt.asUintN(64, BigInt(n)).toString(radix);  /* n: the unsigned cast (a BigInt), or a small number */
    if (alt && radix === 16) body = "0x" + body;
    if (alt && radix === 8) body = "0" + body;
    return mnemo_pad(flags.replace(/[+ ]/g, ""), width, "", conversion === "X" ? body.toUpperCase() : body);
};
