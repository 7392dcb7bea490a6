"""Explicit SIMD for the GD kernel: ``LANES`` float64 lanes as one LLVM vector value (numba intrinsics).

A ``Vec`` holds ``LANES`` doubles that numba keeps in registers; every operation below is one instruction
across the lanes (LLVM splits it into the widest registers the CPU has). ``LANES`` is the only place the
width is written: the vector type and the intrinsic names derive from it.

- ``vload(arr, o)`` is ``arr[o : o + LANES]`` and ``vstore(arr, o, v)`` writes it back;
- ``vsplat(x)`` is ``(x, ..., x)``;
- ``vsub(a, b) = a - b`` and ``vmul(a, b) = a * b``, lane by lane;
- ``vfma(a, b, c, fma) = a * b + c``: rounded once (``llvm.fma``) when ``fma`` is ``FUSED``, rounded after the
  product and again after the sum when it is ``PORTABLE``.

The ``fma`` argument is a compile-time choice: ``FUSED`` and ``PORTABLE`` have different numba types, so a
kernel called with one or the other is compiled (and cached) once for each, and neither carries a runtime
branch. ``choose_fma`` picks ``FUSED`` where the CPU numba compiles for has FMA, ``PORTABLE`` elsewhere (there
``llvm.fma`` becomes a slow call into the math library), and ``PORTABLE`` whenever the environment variable
``IMPLICITREG_FMA=0`` is set. The two agree to rounding, not to the bit.

Numba's on-disk cache of a compiled function is invalidated by changes to that function's own source file
only: after editing this module, clear the cache of the modules that use it (``__pycache__/*.nbi``, ``*.nbc``).
"""

from __future__ import annotations

import os

import llvmlite.binding as llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils, config
from numba.extending import NativeValue, intrinsic, models, register_model, typeof_impl, unbox

LANES = 8  # float64 lanes of one vector (a power of two): one AVX-512 register, two AVX2 ones

_VT = ir.VectorType(ir.DoubleType(), LANES)
_FMA_NAME = f"llvm.fma.v{LANES}f64"
FMA_ENV = "IMPLICITREG_FMA"  # "0": force the portable path


class Vec(types.Type):
    """``LANES`` float64 lanes in one vector register."""

    def __init__(self):
        super().__init__(name=f"Vec{LANES}")


vec = Vec()


@register_model(Vec)
class _VecModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, _VT)


# ---------------------------------------------------------------------------------------------------------------
# The FMA choice as a value whose numba type says how ``vfma`` rounds.


class FmaChoice:
    """How ``vfma`` rounds: ``fused`` (once) or not (twice); pass ``FUSED`` or ``PORTABLE``."""

    def __init__(self, fused: bool):
        self.fused = fused

    def __repr__(self) -> str:
        return "FUSED" if self.fused else "PORTABLE"


FUSED, PORTABLE = FmaChoice(True), FmaChoice(False)


class FmaType(types.Type):
    def __init__(self, fused: bool):
        self.fused = fused
        super().__init__(name=f"Fma(fused={fused})")


@typeof_impl.register(FmaChoice)
def _typeof_fma(val, c):
    return FmaType(val.fused)


register_model(FmaType)(models.OpaqueModel)


@unbox(FmaType)
def _unbox_fma(typ, obj, c):
    return NativeValue(c.context.get_dummy_value())


def host_has_fma() -> bool:
    """Whether the CPU numba compiles for has FMA: ``NUMBA_CPU_FEATURES`` when set, else this host's features."""
    if config.CPU_FEATURES is not None:
        return "+fma" in config.CPU_FEATURES.split(",")
    return bool(llvm.get_host_cpu_features().get("fma", False))


def choose_fma(fused: bool | None = None) -> FmaChoice:
    """``FUSED`` or ``PORTABLE``: as ``fused`` says when given; else ``PORTABLE`` if ``IMPLICITREG_FMA=0`` or the
    CPU lacks FMA, ``FUSED`` otherwise."""
    if fused is None:
        value = os.environ.get(FMA_ENV, "")
        if value not in ("", "0", "1"):
            raise ValueError(f"{FMA_ENV}={value!r}: expected 0 (portable path) or 1 (fused, where the CPU has FMA)")
        fused = value != "0" and host_has_fma()
    return FUSED if fused else PORTABLE


# ---------------------------------------------------------------------------------------------------------------
# Intrinsics.


def _vec_pointer(context, builder, arrty, arr, offset):
    data = context.make_array(arrty)(context, builder, arr).data
    return builder.bitcast(builder.gep(data, [offset]), _VT.as_pointer())


@intrinsic
def vload(typingctx, arr, offset):
    """``arr[offset : offset + LANES]`` as a vector."""

    def codegen(context, builder, sig, args):
        return builder.load(_vec_pointer(context, builder, sig.args[0], *args), align=8)

    return vec(arr, offset), codegen


@intrinsic
def vstore(typingctx, arr, offset, v):
    """``arr[offset : offset + LANES] = v``."""

    def codegen(context, builder, sig, args):
        builder.store(args[2], _vec_pointer(context, builder, sig.args[0], args[0], args[1]), align=8)
        return context.get_dummy_value()

    return types.none(arr, offset, v), codegen


@intrinsic
def vsplat(typingctx, x):
    """``(x, x, ..., x)``."""

    def codegen(context, builder, sig, args):
        value = context.cast(builder, args[0], sig.args[0], types.float64)
        return builder.shuffle_vector(
            builder.insert_element(ir.Constant(_VT, None), value, ir.Constant(ir.IntType(32), 0)),
            ir.Constant(_VT, None),
            ir.Constant(ir.VectorType(ir.IntType(32), LANES), [0] * LANES),
        )

    return vec(x), codegen


def _binary(op):
    @intrinsic
    def fn(typingctx, a, b):
        return vec(vec, vec), lambda context, builder, sig, args: getattr(builder, op)(*args)

    return fn


vsub, vmul = _binary("fsub"), _binary("fmul")


@intrinsic
def vfma(typingctx, a, b, c, fma):
    """``a * b + c``, rounded once (``llvm.fma``) for ``FUSED``, after the product and the sum for ``PORTABLE``."""
    if not isinstance(fma, FmaType):
        return None  # numba reports the call as untypeable

    def codegen(context, builder, sig, args):
        a, b, c = args[:3]
        if sig.args[3].fused:
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(_VT, [_VT] * 3), _FMA_NAME)
            return builder.call(fn, [a, b, c])
        return builder.fadd(builder.fmul(a, b), c)

    return vec(vec, vec, vec, fma), codegen
