using PbxBridge.Calls.Overload;

namespace PbxBridge.Calls.Tests.Overload;

/// <summary>
/// The overload ladder's decisions on injected load figures (one sample a second, as the monitor takes them): which
/// step each figure leads to, the order of the steps, and the hysteresis that keeps them from flapping.
/// </summary>
public sealed class OverloadControllerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static OverloadController Controller(int complexity = 5, bool enabled = true) =>
        new(OverloadSettings.Default(complexity) with { Enabled = enabled });

    private static MediaLoadSample Busy(double fraction, long late = 0, long skipped = 0) => new(Second, fraction, 100, late, skipped);

    [Fact]
    public void The_ladder_lowers_new_calls_first_then_every_call_step_by_step_and_refuses_last()
    {
        var ladder = OverloadStep.Ladder(OverloadSettings.Default(5));

        Assert.Equal(
            [(5, 5, false), (3, 5, false), (3, 3, false), (1, 3, false), (1, 1, false), (0, 1, false), (0, 0, false), (0, 0, true)],
            ladder.Select(s => (s.NewCallComplexity, s.CallComplexityCeiling, s.RefuseNewCalls)));
        Assert.Equal(Enumerable.Range(0, ladder.Count), ladder.Select(s => s.Level));
    }

    [Fact]
    public void A_loop_with_room_keeps_every_call_at_the_configured_complexity_and_accepts_calls()
    {
        var controller = Controller();

        for (var i = 0; i < 30; i++)
        {
            Assert.Null(controller.Observe(Busy(0.69)));
        }

        Assert.Equal(0, controller.Current.Level);
        Assert.Equal(5, controller.NewCallComplexity);
        Assert.Equal(5, controller.CallComplexityCeiling);
        Assert.False(controller.TryRefuseNewCall());
    }

    [Fact]
    public void Each_busy_second_engages_one_step_until_new_calls_are_refused()
    {
        var controller = Controller();
        var levels = new List<int>();

        for (var i = 0; i < 10; i++)
        {
            controller.Observe(Busy(0.75));
            levels.Add(controller.Current.Level);
        }

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 7, 7, 7], levels);
        Assert.True(controller.TryRefuseNewCall());
        Assert.Equal(1, controller.CallsRefused);
        Assert.Equal(7, controller.StepsEngaged);
    }

    [Fact]
    public void Late_ticks_engage_a_step_before_the_loops_reach_the_engage_share()
    {
        var controller = Controller();

        var change = controller.Observe(Busy(0.55, late: 3));

        Assert.NotNull(change);
        Assert.True(change.Engaged);
        Assert.Equal(1, controller.Current.Level);
        Assert.Equal(3, controller.NewCallComplexity);
        Assert.Equal(5, controller.CallComplexityCeiling);
    }

    [Theory]
    [InlineData(10, 0)]
    [InlineData(0, 1)]
    public void Audio_already_suffering_goes_straight_to_the_cheapest_encoder_and_refuses_if_it_goes_on(long late, long skipped)
    {
        var controller = Controller();

        controller.Observe(Busy(0.75, late, skipped));

        Assert.False(controller.Current.RefuseNewCalls);
        Assert.Equal(0, controller.CallComplexityCeiling);
        Assert.Equal(0, controller.NewCallComplexity);
        Assert.Equal(6, controller.StepsEngaged);

        controller.Observe(Busy(0.75, late, skipped));

        Assert.True(controller.Current.RefuseNewCalls);
        Assert.Equal(7, controller.StepsEngaged);
    }

    [Fact]
    public void Late_and_skipped_ticks_of_a_nearly_idle_process_are_someone_elses_load_and_change_nothing()
    {
        var controller = Controller();

        for (var i = 0; i < 10; i++)
        {
            Assert.Null(controller.Observe(Busy(0.05, late: 40, skipped: 3)));
        }

        Assert.Equal(0, controller.Current.Level);
        Assert.False(controller.TryRefuseNewCall());
    }

    [Fact]
    public void A_step_is_released_only_after_the_release_time_below_the_lower_threshold()
    {
        var controller = Controller();
        controller.Observe(Busy(0.80));
        controller.Observe(Busy(0.80));
        Assert.Equal(2, controller.Current.Level);

        // Between release (50 %) and engage (70 %): held, however long.
        for (var i = 0; i < 60; i++)
        {
            Assert.Null(controller.Observe(Busy(0.60)));
        }

        // Calm for 9 s: still held; the 10th calm second releases one step, the next 10 the next one.
        for (var i = 0; i < 9; i++)
        {
            Assert.Null(controller.Observe(Busy(0.20)));
        }

        var released = controller.Observe(Busy(0.20));
        Assert.NotNull(released);
        Assert.False(released.Engaged);
        Assert.Equal(1, controller.Current.Level);
        for (var i = 0; i < 10; i++)
        {
            controller.Observe(Busy(0.20));
        }

        Assert.Equal(0, controller.Current.Level);
        Assert.Equal(5, controller.CallComplexityCeiling);
    }

    [Fact]
    public void A_second_between_the_thresholds_during_the_calm_time_starts_it_again()
    {
        var controller = Controller();
        controller.Observe(Busy(0.80));

        for (var i = 0; i < 9; i++)
        {
            controller.Observe(Busy(0.20));
        }

        controller.Observe(Busy(0.60));
        for (var i = 0; i < 9; i++)
        {
            controller.Observe(Busy(0.20));
        }

        Assert.Equal(1, controller.Current.Level);
        controller.Observe(Busy(0.20));
        Assert.Equal(0, controller.Current.Level);
    }

    [Fact]
    public void Skipped_ticks_over_the_release_share_engage_one_step_and_only_over_the_engage_share_jump_to_the_top()
    {
        var controller = Controller();

        controller.Observe(Busy(0.55, skipped: 1));

        Assert.Equal(1, controller.Current.Level);
    }

    [Fact]
    public void Late_ticks_of_a_process_that_went_idle_do_not_hold_it_at_a_step()
    {
        // Found with the load generator: after a burst the process went idle on a machine busy with other work, its
        // idle loops' ticks kept starting late, and it stayed at the last step refusing every call.
        var controller = Controller();
        controller.Observe(Busy(0.90, late: 30, skipped: 2));
        controller.Observe(Busy(0.90, late: 30, skipped: 2));
        Assert.True(controller.Current.RefuseNewCalls);

        for (var i = 0; i < 10 * controller.Ladder.Count; i++)
        {
            controller.Observe(Busy(0.02, late: 12, skipped: 1));
        }

        Assert.Equal(0, controller.Current.Level);
    }

    [Fact]
    public void A_lower_configured_complexity_makes_a_shorter_ladder_that_never_raises_it()
    {
        var ladder = OverloadStep.Ladder(OverloadSettings.Default(1));

        Assert.Equal([(1, 1, false), (0, 1, false), (0, 0, false), (0, 0, true)], ladder.Select(s => (s.NewCallComplexity, s.CallComplexityCeiling, s.RefuseNewCalls)));
        Assert.All(OverloadStep.Ladder(OverloadSettings.Default(10)), s => Assert.True(s.CallComplexityCeiling <= 10));
    }

    [Fact]
    public void Switched_off_it_never_moves_whatever_the_load()
    {
        var controller = Controller(enabled: false);

        for (var i = 0; i < 10; i++)
        {
            Assert.Null(controller.Observe(Busy(1.0, late: 100, skipped: 5)));
        }

        Assert.Equal(0, controller.Current.Level);
        Assert.False(controller.TryRefuseNewCall());
        Assert.Equal(1.0, controller.LastBusiestLoopFraction);
    }
}
